import Foundation
import Kafka
import Ledger
import Logging
import Prometheus

/// What a runtime needs to be observed: its metrics (served on `/metrics`), the alert rules and
/// their delivery, and the sampler of consumer buffers and lag.
struct ObserveParts: Sendable {
    var metrics: PipelineMetrics
    var alerts: AlertService
    /// Set once stages are attached (a process without a consuming stage samples nothing).
    var sampler: MetricsSampler?
    /// This process's stages in the ledger's process registry (when the ledger keeps one).
    var registry: ProcessRegistry?
    var kafka: KafkaConfig
    var topics: PipelineTopics
    var interval: Duration
    var logger: Logger

    /// Builds metrics and alerts; breaker states reach the metrics through `health`.
    static func make(
        configuration: PipelineConfiguration, kafka: KafkaConfig, topics: PipelineTopics, health: HealthState,
        audit: any AuditSink, logger: Logger
    ) throws -> ObserveParts {
        let registry = PrometheusCollectorRegistry()
        let engine = AlertEngine(
            rules: configuration.alerts.rules, cooldown: configuration.alerts.cooldown,
            metricsFactory: PrometheusMetricsFactory(registry: registry))
        let metrics = PipelineMetrics(registry: registry, alerts: engine)
        health.observeComponents { name, previous, state in
            metrics.breaker(destination: name, state: state, transition: previous != nil && previous != state)
        }
        let alerts = AlertService(
            configuration: configuration.alerts, engine: engine, audit: audit,
            replica: "\(configuration.replica)/alerts", metricsFactory: metrics.factory, logger: logger)
        if configuration.alerts.destinations.isEmpty {
            logger.notice("no alert destination configured (alerts.slack / alerts.teams): alerts are only logged")
        }
        return ObserveParts(
            metrics: metrics, alerts: alerts, kafka: kafka, topics: topics,
            interval: configuration.metricsSampleInterval, logger: logger)
    }

    /// Reports the stages' settled batches to the metrics and samples their consumers and lag.
    /// `cases`: where open dead-letter cases are counted (the process running the dead-letter stage);
    /// `parking`: where the oldest hold is sampled (a process running dispatch or retry);
    /// `processes`: where the stages register and beat (``ProcessRegistry``) as `replica`, with an
    /// `ingest` entry when `ingest` runs here.
    mutating func attach(
        validate: ValidateStage?, translate: TranslateStage?, dispatch: DispatchStage?, retry: RetryStage?,
        deadLetter: DeadLetterStage?, cases: (any CaseStore)?, parking: (any ParkingStore)? = nil,
        processes: (any ProcessStore)? = nil, replica: String = "", ingest: Bool = false
    ) {
        var consumers: [MetricsSampler.Consumer] = []
        var sources: [ProcessRegistry.Source] = []
        let metrics = self.metrics
        if ingest {
            sources.append(.init(stage: "ingest", statistics: { nil }, settled: { metrics.ingestAccepted }))
        }
        /// A running stage reports its counters to the metrics and its consumer to the sampler.
        func observe(
            _ stage: StageName, _ counters: StageCounters,
            _ statistics: @escaping @Sendable () -> KafkaConsumerStatistics
        ) {
            counters.attach(metrics)
            consumers.append(.init(stage: stage, statistics: statistics))
            sources.append(
                .init(stage: stage.rawValue, statistics: statistics, settled: { counters.snapshot.consumed }))
        }
        if let validate { observe(.validate, validate.counters) { validate.consumerStatistics } }
        if let translate { observe(.translate, translate.counters) { translate.consumerStatistics } }
        if let dispatch { observe(.dispatch, dispatch.counters) { dispatch.consumerStatistics } }
        if let retry { observe(.retry, retry.counters) { retry.consumerStatistics } }
        if let deadLetter { observe(.deadLetter, deadLetter.counters) { deadLetter.consumerStatistics } }
        if let processes, !sources.isEmpty {
            registry = ProcessRegistry(store: processes, replica: replica, sources: sources, logger: logger)
        }
        guard !consumers.isEmpty else { return }
        let admin: KafkaAdmin?
        do {
            admin = try KafkaAdmin(config: kafka, logger: logger)
        } catch {
            logger.warning("consumer lag is not sampled: no admin client", metadata: ["error": "\(error)"])
            admin = nil
        }
        sampler = MetricsSampler(
            metrics: metrics, interval: interval, consumers: consumers, admin: admin, topics: topics,
            retryTiers: retry?.tiers.map(\.name) ?? [], cases: cases, parking: parking, logger: logger)
    }
}
