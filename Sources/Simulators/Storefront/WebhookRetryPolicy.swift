/// Shopify's retry behaviour, with compressible timing: a delivery that gets no 2xx within `timeout`
/// is retried with exponential backoff, up to `maxAttempts` attempts in all (Shopify: 1 + 8 retries
/// over 4 hours; tests compress the delays to milliseconds).
public struct WebhookRetryPolicy: Sendable, Equatable {
    /// Attempts in all, including the first.
    public var maxAttempts: Int
    /// Delay before the first retry.
    public var initialDelay: Duration
    /// Growth factor of the delay per retry.
    public var multiplier: Double
    /// Upper bound of one delay.
    public var maxDelay: Duration
    /// Time a single attempt may take (Shopify: 5 s).
    public var timeout: Duration

    public init(
        maxAttempts: Int = 9, initialDelay: Duration = .seconds(60), multiplier: Double = 2.7,
        maxDelay: Duration = .seconds(3600), timeout: Duration = .seconds(5)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maxDelay = maxDelay
        self.timeout = timeout
    }

    /// Shopify-like timing: 9 attempts spread over about four hours.
    public static let shopify = WebhookRetryPolicy()

    /// The same shape compressed for tests: 9 attempts, 50 ms doubling up to 1 s.
    public static let compressed = WebhookRetryPolicy(
        initialDelay: .milliseconds(50), multiplier: 2, maxDelay: .seconds(1), timeout: .seconds(5))

    /// The delay before retry number `retry` (1-based).
    public func delay(beforeRetry retry: Int) -> Duration {
        var delay = initialDelay
        for _ in 1..<max(1, retry) {
            delay = delay * multiplier
            if delay > maxDelay { return maxDelay }
        }
        return min(delay, maxDelay)
    }
}
