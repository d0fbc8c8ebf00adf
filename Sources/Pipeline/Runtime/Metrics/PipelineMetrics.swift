import CoreMetrics
import Foundation
import Kafka
import Ledger
import OrderModel
import Prometheus
import Synchronization

/// The one hook point between the pipeline and its metrics: stages report what they settled
/// (``StageRunner`` through ``StageCounters``), the health state reports breaker transitions, the
/// HTTP layer reports ingest answers, the ``MetricsSampler`` reports consumer buffers and lag.
/// Every metric is made through swift-metrics on a `PrometheusMetricsFactory` over this
/// instance's own registry (no global bootstrap, so several runtimes in one process keep
/// separate numbers); ``exposition()`` is the Prometheus text served on `GET /metrics`.
///
/// Names and labels: docs/ARCHITECTURE.md, "Metrics".
public final class PipelineMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory over ``registry`` (for parts that make their own metrics).
    public let factory: PrometheusMetricsFactory
    /// Where mismatches, quarantines, dead letters, breaker states and lag become alerts.
    public let alerts: AlertEngine?
    /// Each stage group's lag verdict over the sampled window (fed by ``lag(_:now:members:)``).
    public let lagVerdicts = LagVerdictBoard()
    /// Last cumulative values of sampled counters (consumer statistics), to add only the growth.
    private let sampled = Mutex<[String: Int]>([:])
    /// Ingest requests answered 200 (see ``ingestAccepted``).
    private let accepted = Atomic<Int>(0)

    /// Seconds buckets of `driftless_time_to_sync_seconds`: 50 ms … 1 h.
    public static let timeToSyncBuckets: [Double] = [
        0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800, 3600,
    ]
    /// Seconds buckets of `driftless_reconciliation_duration_seconds`: 1 s … 2 h.
    public static let reconciliationBuckets: [Double] = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200]

    /// A registry of its own; `alerts` receives the signals metrics see.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), alerts: AlertEngine? = nil) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            "driftless_time_to_sync_seconds": Self.timeToSyncBuckets.map { Self.duration($0) },
            "driftless_reconciliation_duration_seconds": Self.reconciliationBuckets.map { Self.duration($0) },
        ]
        self.factory = factory
        self.alerts = alerts
        gauge("driftless_build_info", [("version", BuildInfo.version), ("commit", BuildInfo.commit)]).record(1)
    }

    /// The Prometheus text exposition (format 0.0.4) of every metric, with `# HELP` lines.
    public func exposition() -> [UInt8] {
        MetricCatalog.withHelp(registry.emitToBuffer())
    }

    // MARK: Stages

    /// A stage settled a batch: `counts` are its outcomes, `audit` its rows, `batch` its input
    /// (envelope headers give the times for `driftless_time_to_sync_seconds` on dispatch).
    func stageSettled(
        stage: StageName, batch: [KafkaMessage], audit: [AuditRecord], counts: StageCounts, now: Date = Date()
    ) {
        let name = stage.rawValue
        for (outcome, value) in Self.outcomes(counts) where value > 0 {
            counter("driftless_stage_records_total", [("stage", name), ("outcome", outcome)]).increment(by: value)
        }
        counter("driftless_stage_batches_total", [("stage", name)]).increment(by: counts.batches)
        if counts.retries > 0 {
            counter("driftless_retries_total", [("stage", name), ("tier", "in-place")]).increment(by: counts.retries)
        }
        var quarantined: [String: Int] = [:]
        var deadLettered = 0
        var retries: [String: Int] = [:]
        for row in audit {
            switch row.hop {
            case .quarantined: quarantined[row.reason ?? "unknown", default: 0] += 1
            case .deadLettered: deadLettered += 1
            case .retried: retries[Self.retryTier(row), default: 0] += 1
            case .dispatched:
                // A landed write's detail ends "after n attempts" when it took more than one.
                if let attempts = Self.attempts(row.detail), attempts > 1 {
                    retries["in-place", default: 0] += attempts - 1
                }
            default: break
            }
        }
        for (tier, value) in retries {
            counter("driftless_retries_total", [("stage", name), ("tier", tier)]).increment(by: value)
        }
        for (reason, value) in quarantined {
            counter("driftless_quarantined_total", [("stage", name), ("reason", reason)]).increment(by: value)
        }
        if deadLettered > 0 {
            counter("driftless_dead_lettered_total", [("stage", name)]).increment(by: deadLettered)
        }
        if let alerts {
            let quarantines = quarantined.values.reduce(0, +)
            if quarantines > 0 { alerts.record(.quarantined, times: quarantines, at: now) }
            // The dead-letter stage's own rows are its cases (quarantined records too): growth of the
            // dead-letter topic is what dispatch and retry send there.
            if deadLettered > 0, stage.rawValue != "dead-letter" {
                alerts.record(.deadLettered, times: deadLettered, at: now)
            }
        }
        // Dispatch, and (by name, once it exists) the retry stage that re-dispatches.
        if stage == .dispatch || stage.rawValue == "retry" {
            dispatchSettled(batch: batch, audit: audit, counts: counts, now: now)
        }
    }

    private func dispatchSettled(batch: [KafkaMessage], audit: [AuditRecord], counts: StageCounts, now: Date) {
        // Per event, from its audit rows: given up on (quarantined or dead-lettered) is a failure, else
        // a `dispatched` row (a write landed, or none was needed) a success; an event sent to a
        // retry tier counts when the retry stage settles it.
        var failedEvents: Set<String> = []
        var dispatchedEvents: Set<String> = []
        for row in audit {
            switch row.hop {
            case .quarantined, .deadLettered: failedEvents.insert(row.eventID)
            case .dispatched: dispatchedEvents.insert(row.eventID)
            default: break
            }
        }
        let synced = dispatchedEvents.subtracting(failedEvents).count
        if synced > 0 { counter("driftless_sync_total", [("result", "success")]).increment(by: synced) }
        if !failedEvents.isEmpty {
            counter("driftless_sync_total", [("result", "failure")]).increment(by: failedEvents.count)
        }
        mismatch(.silentCancellation, times: counts.withheld, now: now)
        mismatch(.paymentGap, times: counts.unmatchedPayments, now: now)
        // Time to sync: an event whose write landed in the ERP (a dispatched row with an answer).
        let landed = Set(audit.lazy.filter { $0.hop == .dispatched && $0.httpStatus != nil }.map(\.eventID))
        guard !landed.isEmpty else { return }
        let fromEvent = timer("driftless_time_to_sync_seconds", [("from", "channel_event")])
        let fromReceipt = timer("driftless_time_to_sync_seconds", [("from", "ingest_received")])
        for message in batch {
            guard let envelope = try? Envelope(headers: message.headers), landed.contains(envelope.eventID) else {
                continue
            }
            if let source = envelope.sourceTimestamp {
                fromEvent.recordSeconds(max(0, now.timeIntervalSince(source)))
            }
            fromReceipt.recordSeconds(max(0, now.timeIntervalSince(envelope.receivedAt)))
        }
    }

    /// Counts a mismatch dispatch saw and hands it to the alert rules (as a signal: the engine's
    /// own `record(mismatch:)` would count it a second time).
    private func mismatch(_ pattern: MismatchPattern, times: Int, now: Date) {
        guard times > 0 else { return }
        let label = AlertEngine.label(pattern)
        counter("driftless_mismatches_total", [("pattern", label)]).increment(by: times)
        alerts?.record(.mismatch(pattern: label), times: times, at: now)
    }

    // MARK: Breaker, ingest, reconciliation, dead-letter cases

    /// A destination's breaker state was set (`closed`, `open`, `probing`, `paused`,
    /// `paused-probing`); `transition`: it changed (counted), rather than being set initially.
    func breaker(destination: String, state: String, transition: Bool, now: Date = Date()) {
        for candidate in Self.breakerStates {
            gauge("driftless_breaker_state", [("destination", destination), ("state", candidate)])
                .record(candidate == state ? 1 : 0)
        }
        if transition {
            counter("driftless_breaker_transitions_total", [("destination", destination), ("to", state)]).increment()
        }
        alerts?.record(.breaker(destination: destination, state: state), at: now)
    }

    /// An answer to an ingest request (`route` e.g. `/webhooks/shopify`).
    package func ingestRequest(route: String, status: Int) {
        counter("driftless_ingest_requests_total", [("route", route), ("status", "\(status)")]).increment()
        if status == 200 { accepted.add(1, ordering: .relaxed) }
    }

    /// Ingest requests this process answered 200 so far: what the process registry reports as the
    /// ingest stage's settled records (its throughput on the console's Health page).
    package var ingestAccepted: Int { accepted.load(ordering: .relaxed) }

    /// A reconciliation run ended (`result`: `ok`, `drift-found`, `failed`, …) after `duration`.
    public func reconciliation(duration: Duration, result: String, now: Date = Date()) {
        CoreMetrics.Timer(
            label: "driftless_reconciliation_duration_seconds", dimensions: [("result", result)], factory: factory
        )
        .recordNanoseconds(Int64(duration.timeInterval * 1e9))
        counter("driftless_reconciliation_runs_total", [("result", result)]).increment()
        if result != "failed" {
            gauge("driftless_reconciliation_last_success_timestamp_seconds", []).record(now.timeIntervalSince1970)
            alerts?.recordReconciliation(at: now)
        }
    }

    /// A reconciliation run stopped because its lease was lost (`reason`: `taken` — another holder's
    /// acquisition fenced it off; `expired` — it could not renew within the lease's time to live).
    public func reconciliationLeaseLost(reason: String) {
        counter("driftless_reconciliation_lease_lost_total", [("reason", reason)]).increment()
    }

    /// Dead-letter cases still open (set by the dead-letter stage / case store).
    public func deadLetterOpenCases(_ count: Int) {
        gauge("driftless_dead_letter_open_cases", []).record(count)
    }

    /// The oldest hold's age (nil: no order held), sampled where dispatch or retry runs; also fed to
    /// the `held-orders` alert rule.
    public func oldestHold(age seconds: Double?, at now: Date = Date()) {
        gauge("driftless_oldest_hold_age_seconds", []).record(max(0, seconds ?? 0))
        alerts?.record(.oldestHold(seconds: seconds), at: now)
    }

    // MARK: Helpers

    func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
    }

    func gauge(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory)
    }

    func timer(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Timer {
        CoreMetrics.Timer(label: label, dimensions: dimensions, factory: factory)
    }

    /// Adds the growth of a cumulative value read from elsewhere (consumer statistics).
    func addGrowth(_ label: String, _ dimensions: [(String, String)], cumulative: Int) {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        let growth = sampled.withLock { last -> Int in
            defer { last[key] = cumulative }
            return max(0, cumulative - (last[key] ?? 0))
        }
        counter(label, dimensions).increment(by: growth)
    }

    /// The tier of a `retried` row: its reason `retry-<tier>`, else the suffix of a `<p>.retry.<tier>`
    /// topic, else `delayed`.
    static func retryTier(_ row: AuditRecord) -> String {
        if let reason = row.reason, reason.hasPrefix("retry-"), reason.count > 6 { return String(reason.dropFirst(6)) }
        guard let topic = row.topic, let range = topic.range(of: ".retry.", options: .backwards) else {
            return "delayed"
        }
        return String(topic[range.upperBound...])
    }

    /// `n` from a dispatched row's detail ending `after n attempts`.
    static func attempts(_ detail: String?) -> Int? {
        guard let detail, detail.hasSuffix(" attempts"), let range = detail.range(of: " after ", options: .backwards)
        else { return nil }
        return Int(detail[range.upperBound...].dropLast(" attempts".count))
    }

    static let breakerStates = ["closed", "open", "probing", "paused", "paused-probing"]

    static func outcomes(_ c: StageCounts) -> [(String, Int)] {
        [
            ("consumed", c.consumed), ("produced", c.produced), ("quarantined", c.quarantined),
            ("translated", c.translated), ("unchanged", c.unchanged), ("stale", c.stale),
            ("duplicate", c.duplicates), ("illegal", c.illegal), ("applied_elsewhere", c.appliedElsewhere),
            ("effect", c.effects), ("up_to_date", c.upToDate), ("withheld", c.withheld),
            ("unmatched_payment", c.unmatchedPayments), ("refused", c.refused), ("exhausted", c.exhausted),
        ]
    }

    static func duration(_ seconds: Double) -> Duration {
        .nanoseconds(Int64(seconds * 1e9))
    }
}
