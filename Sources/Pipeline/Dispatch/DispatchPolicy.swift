/// How dispatch retries in place and when it stops sending to a destination.
public struct DispatchPolicy: Sendable, Equatable {
    /// Attempts of one ERP request in place while the destination is healthy before the event goes
    /// to the retry tiers. Failures the circuit breaker explains (probes, failures while open) do
    /// not count.
    public var maxAttempts = 3
    /// The delayed retry tiers, in order (`<p>.retry.<name>`); after the last, the dead-letter topic.
    public var retryTiers: [RetryTier] = RetryTier.defaults
    /// Back-off between attempts of one request: full jitter up to `initialBackoff · 2ⁿ`, at most
    /// `maxBackoff`, and never before the answer's `Retry-After`.
    public var initialBackoff: Duration = .milliseconds(50)
    public var maxBackoff: Duration = .seconds(5)
    /// The breaker opens after this many transient failures in a row …
    public var breakerConsecutiveFailures = 20
    /// … or when at least `breakerFailureRatio` of the last `breakerWindow` requests failed.
    public var breakerWindow = 50
    public var breakerFailureRatio = 0.6
    /// How long it stays open before one probe; doubles after each failed probe, up to `breakerMaxOpen`.
    public var breakerOpen: Duration = .seconds(5)
    public var breakerMaxOpen: Duration = .seconds(60)
    /// While paused on 401/403, one probe request this often (credentials may be fixed in the ERP).
    public var pauseProbeInterval: Duration = .seconds(30)
    /// How long an order's ERP view, as dispatch last read it and updated it with its own writes,
    /// is trusted before it is read again (zero: read it for every batch). Changes made in the ERP
    /// by others (a clerk's payment, Pattern 5) are seen once it is read again.
    public var viewTTL: Duration = .seconds(30)
    /// Orders of a batch dispatched at once (the ERP client's own limit bounds requests in flight).
    public var maxConcurrentOrders = 64
    /// How often the retry stage looks for orphaned holds: holds whose head has been in no retry
    /// topic for longer than the longest tier plus `holdSweepGrace` (see "Retry tiers and per-order
    /// parking" in docs/ARCHITECTURE.md).
    public var holdSweepInterval: Duration = .seconds(60)
    public var holdSweepGrace: Duration = .seconds(600)

    public init() {}

    /// A positive count and duration everywhere, a ratio in (0, 1].
    public func validate() throws(PipelineConfigurationError) {
        for (field, count) in [
            ("dispatch.maxAttempts", maxAttempts), ("dispatch.breakerConsecutiveFailures", breakerConsecutiveFailures),
            ("dispatch.breakerWindow", breakerWindow), ("dispatch.maxConcurrentOrders", maxConcurrentOrders),
        ] where count < 1 {
            throw .invalidValue(field: field, value: String(count))
        }
        for (field, duration) in [
            ("dispatch.initialBackoffMs", initialBackoff), ("dispatch.maxBackoffMs", maxBackoff),
            ("dispatch.breakerOpenMs", breakerOpen), ("dispatch.breakerMaxOpenMs", breakerMaxOpen),
            ("dispatch.pauseProbeIntervalMs", pauseProbeInterval), ("dispatch.holdSweepIntervalMs", holdSweepInterval),
        ] where duration <= .zero {
            throw .invalidValue(field: field, value: "\(duration)")
        }
        guard !retryTiers.isEmpty, Set(retryTiers.map(\.name)).count == retryTiers.count else {
            throw .invalidValue(field: "dispatch.retryTiers", value: retryTiers.map(\.name).joined(separator: ","))
        }
        guard holdSweepGrace >= .zero else {
            throw .invalidValue(field: "dispatch.holdSweepGraceMs", value: "\(holdSweepGrace)")
        }
        guard viewTTL >= .zero else {
            throw .invalidValue(field: "dispatch.viewTtlMs", value: "\(viewTTL)")
        }
        guard breakerFailureRatio > 0, breakerFailureRatio <= 1 else {
            throw .invalidValue(field: "dispatch.breakerFailureRatio", value: String(breakerFailureRatio))
        }
    }
}
