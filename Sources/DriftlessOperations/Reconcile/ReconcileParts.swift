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

    /// The parts of one run, the shared ones from `assembly` (the command's composition root).
    static func make(assembly: Assembly, logger: Logger) async throws -> ReconcileParts {
        let pipeline = assembly.configuration
        let channels = try assembly.channelReaders()
        guard !channels.isEmpty else {
            throw ValidationError(
                "no channel configured: the storefront (reconcile.shopify.baseURL and accessToken, or "
                    + "DRIFTLESS_SHOPIFY_ADMIN_URL and DRIFTLESS_SHOPIFY_ACCESS_TOKEN) and/or the marketplace (poller:)"
            )
        }
        guard let erp = try assembly.erpViewReader() else {
            throw ValidationError("no ERP configured (erp: or DRIFTLESS_ERP_URL and DRIFTLESS_ERP_TOKEN)")
        }
        let matrix = try assembly.matrix()
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
            producer = try assembly.producer(bootstrapServers: servers)
        }
        let metrics = ReconcileMetrics(alerts: pipeline.alerts)
        let alerts = AlertService(
            configuration: pipeline.alerts, engine: metrics.engine, audit: nil,
            replica: "\(pipeline.replica)/reconcile", metricsFactory: metrics.metrics.factory, logger: logger)
        return ReconcileParts(
            pipeline: pipeline, stats: assembly.reconcileStats, channels: channels, erp: erp, matrix: matrix,
            ledger: ledger,
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
