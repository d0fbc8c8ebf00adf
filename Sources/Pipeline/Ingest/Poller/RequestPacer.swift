import Foundation

/// Paces requests to an operation's documented usage plan before the server has to say 429: a
/// token bucket of `burst` requests refilled at `rate` per second (SP-API `getOrders`: 0.0167/s,
/// burst 20). `acquire()` waits until a request may go.
public actor RequestPacer {
    /// Requests per second.
    public let rate: Double
    /// Bucket size.
    public let burst: Double
    private var tokens: Double
    private var updated: ContinuousClock.Instant

    public init(rate: Double, burst: Double) {
        self.rate = max(0.0001, rate)
        self.burst = max(1, burst)
        tokens = max(1, burst)
        updated = .now
    }

    /// Waits until a request may be sent and takes its place (cancellation ends the wait).
    public func acquire() async throws {
        while true {
            refill()
            if tokens >= 1 {
                tokens -= 1
                return
            }
            try await Task.sleep(for: .seconds((1 - tokens) / rate))
        }
    }

    private func refill() {
        let now = ContinuousClock.now
        let elapsed = updated.duration(to: now)
        tokens = min(burst, tokens + DurationSeconds.of(elapsed) * rate)
        updated = now
    }
}
