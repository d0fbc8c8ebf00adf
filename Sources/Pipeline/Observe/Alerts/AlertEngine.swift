import CoreMetrics
import Foundation
import OrderModel
import Synchronization

/// The process's alert rules, fed from anywhere (dispatch's Pattern 4/5 counts, the coming
/// reconciliation job, quarantine and dead-letter counts, breaker transitions, consumer lag).
/// Recording is cheap and never waits: it updates the pure ``AlertEvaluator`` under a lock and
/// hands any resulting action to ``AlertService``, which delivers it.
public final class AlertEngine: Sendable {
    private let evaluator: Mutex<AlertEvaluator>
    private let continuation: AsyncStream<AlertAction>.Continuation
    /// Actions for the delivering service (one reader).
    let actions: AsyncStream<AlertAction>
    private let factory: (any MetricsFactory)?

    /// `factory`: where the mismatch counter (`driftless_mismatches_total{pattern}`) goes.
    public init(
        rules: [AlertRule] = AlertRule.defaults, cooldown: Duration = .seconds(3600), started: Date = Date(),
        metricsFactory factory: (any MetricsFactory)? = nil
    ) {
        evaluator = Mutex(AlertEvaluator(rules: rules, cooldown: cooldown, started: started))
        (actions, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        self.factory = factory
    }

    /// A mismatch the classifier or dispatch found (`nil`: drift outside the five patterns).
    public func record(mismatch pattern: MismatchPattern?, at: Date = Date()) {
        let label = Self.label(pattern)
        if let factory {
            Counter(label: "driftless_mismatches_total", dimensions: [("pattern", label)], factory: factory)
                .increment()
        }
        record(.mismatch(pattern: label), at: at)
    }

    /// The `pattern` label of a mismatch: `pattern-4-silentCancellation`, or `other-drift`.
    public static func label(_ pattern: MismatchPattern?) -> String {
        pattern.map { "pattern-\($0.number)-\($0.rawValue)" } ?? "other-drift"
    }

    /// A finished reconciliation run (resets the "not run in 26 h" clock).
    public func recordReconciliation(at: Date = Date()) {
        record(.reconciled, at: at)
    }

    /// Any other signal; `times` of it at once for the counted kinds (quarantined, dead-lettered).
    public func record(_ signal: AlertSignal, times: Int = 1, at: Date = Date()) {
        let actions = evaluator.withLock { $0.record(signal, times: times, at: at) }
        for action in actions { continuation.yield(action) }
    }

    /// Evaluates the rules at `now` (windows roll, conditions age).
    public func tick(now: Date = Date()) {
        let actions = evaluator.withLock { $0.evaluate(now: now) }
        for action in actions { continuation.yield(action) }
    }

    /// Whether `kind` is firing now.
    public func isFiring(_ kind: AlertRule.Kind) -> Bool {
        evaluator.withLock { $0.isFiring(kind) }
    }

    /// Ends the action stream (the service then stops).
    func finish() {
        continuation.finish()
    }
}
