/// How start-up retries setting up the topics (``TopicSetup``) while the broker is slow or
/// unreachable: each attempt bounded by `attemptTimeout`, then a pause doubling from `initialDelay`
/// up to `maximumDelay`, until the broker answers or the process is asked to stop.
public struct TopicSetupRetry: Sendable, Hashable {
    /// The bound on one attempt's broker round trips (metadata, CreateTopics).
    public var attemptTimeout: Duration
    /// The pause after the first failed attempt.
    public var initialDelay: Duration
    /// The longest pause between attempts.
    public var maximumDelay: Duration

    /// The defaults: 10 s per attempt, pauses of 0.5 s doubling up to 15 s.
    public init(
        attemptTimeout: Duration = .seconds(10), initialDelay: Duration = .milliseconds(500),
        maximumDelay: Duration = .seconds(15)
    ) {
        self.attemptTimeout = attemptTimeout
        self.initialDelay = initialDelay
        self.maximumDelay = max(initialDelay, maximumDelay)
    }

    /// The pause after failed attempt `attempt` (1-based).
    public func delay(after attempt: Int) -> Duration {
        var delay = initialDelay
        for _ in 1..<max(1, attempt) {
            delay *= 2
            if delay >= maximumDelay { return maximumDelay }
        }
        return min(delay, maximumDelay)
    }
}
