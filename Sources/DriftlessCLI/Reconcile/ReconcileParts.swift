import ArgumentParser
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Pipeline

/// What a reconciliation run from the command line needs: readers, ledger, producer.
struct ReconcileParts: Sendable {
    let pipeline: PipelineConfiguration
    let stats: ReconcileAPIStats
    let channels: [any ChannelOrderReader]
    let erp: ERPViewReader
    let matrix: MappingMatrix
    let ledger: any ReconcileLedger
    let producer: KafkaProducer?
    /// Delivers the mismatch and reconciliation-overdue alerts of this process (`alerts:` settings).
    let alerts: AlertService
    /// The process's metrics (`--metrics-file`).
    let metrics: ReconcileMetrics
    let logger: Logger

    static func make(pipeline: PipelineConfiguration, logger: Logger) async throws -> ReconcileParts {
        let stats = ReconcileAPIStats()
        let channels = try ReconcileReaders.channels(pipeline: pipeline, stats: stats, logger: logger)
        guard !channels.isEmpty else {
            throw ValidationError(
                "no channel configured: the storefront (reconcile.shopify.baseURL and accessToken, or "
                    + "DRIFTLESS_SHOPIFY_ADMIN_URL and DRIFTLESS_SHOPIFY_ACCESS_TOKEN) and/or the marketplace (poller:)"
            )
        }
        guard let erpConfiguration = pipeline.erp else {
            throw ValidationError("no ERP configured (erp: or DRIFTLESS_ERP_URL and DRIFTLESS_ERP_TOKEN)")
        }
        let erp = ERPViewReader(sync: ERPSync(client: try ERPClient(configuration: erpConfiguration)), stats: stats)
        let matrix: MappingMatrix
        if let file = pipeline.mappingFile {
            matrix = try MappingMatrix.load(yaml: try String(contentsOfFile: file, encoding: .utf8), fileName: file)
        } else {
            matrix = try MappingMatrix.default
        }
        let store = try await Ledger.open(url: pipeline.ledgerURL)
        guard let ledger = store as? any ReconcileLedger else {
            await store.close()
            throw ValidationError("the ledger at \(pipeline.ledgerURL) cannot hold reconciliation findings")
        }
        var producer: KafkaProducer?
        if !pipeline.reconcile.settings.dryRun {
            guard let servers = pipeline.bootstrapServers else {
                await ledger.close()
                throw ValidationError(
                    "no Kafka brokers configured (DRIFTLESS_KAFKA_BOOTSTRAP or kafka.bootstrapServers): corrections "
                        + "go through <prefix>.ingest.raw; use --dry-run to only compare")
            }
            producer = try KafkaProducer(
                config: KafkaConfig(bootstrapServers: servers, pipeline.kafkaProperties), logger: logger)
        }
        let metrics = ReconcileMetrics(alerts: pipeline.alerts)
        let alerts = AlertService(
            configuration: pipeline.alerts, engine: metrics.engine, audit: nil,
            replica: "\(pipeline.replica)/reconcile", metricsFactory: metrics.metrics.factory, logger: logger)
        return ReconcileParts(
            pipeline: pipeline, stats: stats, channels: channels, erp: erp, matrix: matrix, ledger: ledger,
            producer: producer, alerts: alerts, metrics: metrics, logger: logger)
    }

    func job(progress: (@Sendable (ReconcileProgress) -> Void)?) -> ReconcileJob {
        let producer = self.producer
        return ReconcileJob(
            settings: pipeline.reconcile.settings, channels: channels, erp: erp, stats: stats, matrix: matrix,
            ledger: ledger, topics: PipelineTopics(prefix: pipeline.topicPrefix),
            send: { records in
                guard let producer else { return }
                _ = try await producer.send(records)
            }, metrics: metrics.metrics, alerts: alerts.engine, logger: logger, progress: progress)
    }

    func close() async {
        await producer?.close()
        await ledger.close()
    }
}
