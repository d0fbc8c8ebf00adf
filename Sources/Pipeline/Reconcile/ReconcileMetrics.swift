import Foundation
import Prometheus

/// The metrics of a `driftless reconcile` process (one-shot or `--schedule`): the same registry shape
/// as `run`'s `/metrics` — `driftless_mismatches_total{pattern}` from the alert engine,
/// `driftless_reconciliation_runs_total`, `_duration_seconds`, `_last_success_timestamp_seconds` — and
/// a writer of its Prometheus text for node_exporter's textfile collector (a batch job has no scrape
/// endpoint that lives long enough).
public struct ReconcileMetrics: Sendable {
    /// The metrics the job reports its runs to.
    public let metrics: PipelineMetrics
    /// The alert rules, counting each finding into `driftless_mismatches_total`.
    public let engine: AlertEngine

    /// Metrics and an alert engine over one registry, with the `alerts:` rules.
    public init(alerts: AlertConfiguration) {
        let registry = PrometheusCollectorRegistry()
        engine = AlertEngine(
            rules: alerts.rules, cooldown: alerts.cooldown, metricsFactory: PrometheusMetricsFactory(registry: registry)
        )
        metrics = PipelineMetrics(registry: registry, alerts: engine)
    }

    /// Writes the Prometheus text exposition to `path`, atomically (a scraper never reads half a file).
    public func write(to path: String) throws {
        try Data(metrics.exposition()).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
