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
    /// said in one line. The readers come from `assembly`: the poller's SP-API token and pacers, the
    /// process's ERP client and gate (dispatch's), so reads share its token, limiter and breaker.
    /// Enabled without a channel or an ERP is a configuration error.
    static func service(
        assembly: Assembly, ledger: any LedgerStore, producer: KafkaProducer, topics: PipelineTopics,
        metrics: PipelineMetrics, alerts: AlertEngine, logger: Logger
    ) throws -> ReconcileService? {
        let configuration = assembly.configuration
        guard ReconcileReaders.runsInPipeline(configuration) else {
            logger.notice(
                "reconciliation not scheduled in this process (no storefront Admin API / marketplace and ERP configured, or reconcile.inRun: false)"
            )
            return nil
        }
        let channels = try assembly.channelReaders()
        guard !channels.isEmpty else {
            throw PipelineConfigurationError.missingSetting(
                setting: "reconcile.shopify.baseURL or poller.baseURL", neededBy: "reconcile.inRun")
        }
        guard let erp = try assembly.erpViewReader() else {
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
            settings: settings, channels: channels, erp: erp, stats: assembly.reconcileStats,
            matrix: try assembly.matrix(), ledger: reconcileLedger, topics: topics,
            send: { records in _ = try await producer.send(records) }, metrics: metrics, alerts: alerts,
            logger: jobLogger)
        logger.notice(
            "reconciliation scheduled daily at \(configuration.reconcile.schedule.text) UTC (one replica at a time through the ledger lease)"
        )
        return ReconcileService(job: job, schedule: configuration.reconcile.schedule, logger: jobLogger)
    }
}
