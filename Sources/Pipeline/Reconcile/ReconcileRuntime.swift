import Foundation
import Kafka
import Ledger
import Logging
import OrderModel

/// The reconciliation schedule inside `driftless run`: a ``ReconcileService`` over the process's
/// ledger, producer, metrics and alert rules, so findings and runs show on its `/metrics`
/// (`driftless_mismatches_total`, `driftless_reconciliation_*`) and feed its alerts. Every replica runs
/// the schedule; the ledger lease lets one of them run at a time.
enum ReconcileRuntime {
    /// The service, or nil when `run` does not reconcile (``ReconcileReaders/runsInPipeline(_:)``) —
    /// said in one line. `marketplace`: the poller's token and pacer, shared; `access`: the process's ERP
    /// client and gate (dispatch's), so reads share its token, limiter and breaker. Enabled without a channel or an ERP is a configuration error.
    static func service(
        configuration: PipelineConfiguration, ledger: any LedgerStore, producer: KafkaProducer, topics: PipelineTopics,
        matrix: MappingMatrix, metrics: PipelineMetrics, alerts: AlertEngine, marketplace: MarketplaceAccess?,
        erp access: ERPAccess? = nil, logger: Logger
    ) throws -> ReconcileService? {
        guard ReconcileReaders.runsInPipeline(configuration) else {
            logger.notice(
                "reconciliation not scheduled in this process (no storefront Admin API / marketplace and ERP configured, or reconcile.inRun: false)"
            )
            return nil
        }
        let stats = ReconcileAPIStats()
        let channels = try ReconcileReaders.channels(
            pipeline: configuration, stats: stats, marketplace: marketplace, logger: logger)
        guard !channels.isEmpty else {
            throw PipelineConfigurationError.missingSetting(
                setting: "reconcile.shopify.baseURL or poller.baseURL", neededBy: "reconcile.inRun")
        }
        guard let erp = configuration.erp else {
            throw PipelineConfigurationError.missingSetting(setting: "erp.baseURL", neededBy: "reconcile.inRun")
        }
        guard let reconcileLedger = ledger as? any ReconcileLedger else {
            logger.warning("the ledger at \(ledger.location) keeps no reconciliation findings: not reconciling")
            return nil
        }
        var settings = configuration.reconcile.settings
        settings.owner = configuration.replica
        var jobLogger = logger
        jobLogger[metadataKey: "component"] = "reconcile"
        let job = ReconcileJob(
            settings: settings, channels: channels,
            erp: ERPViewReader(
                sync: ERPSync(client: try access?.client ?? ERPClient(configuration: erp)), stats: stats,
                gate: access?.gate),
            stats: stats,
            matrix: matrix, ledger: reconcileLedger, topics: topics,
            send: { records in _ = try await producer.send(records) }, metrics: metrics, alerts: alerts,
            logger: jobLogger)
        logger.notice(
            "reconciliation scheduled daily at \(configuration.reconcile.schedule.text) UTC (one replica at a time through the ledger lease)"
        )
        return ReconcileService(job: job, schedule: configuration.reconcile.schedule, logger: jobLogger)
    }
}
