import Foundation
import Synchronization

/// SP-API-style usage plan: `rate` requests per second refilled into a bucket of `burst` tokens.
public final class TokenBucket: Sendable {
    /// Requests per second restored.
    public let rate: Double
    /// Bucket size.
    public let burst: Double
    private let state: Mutex<(tokens: Double, updated: ContinuousClock.Instant)>

    public init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = max(1, burst)
        state = Mutex((max(1, burst), ContinuousClock.now))
    }

    /// Takes one token; false when the bucket is empty (→ 429).
    public func take() -> Bool {
        state.withLock { value in
            let now = ContinuousClock.now
            let elapsed = value.updated.duration(to: now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            value.tokens = min(burst, value.tokens + seconds * rate)
            value.updated = now
            guard value.tokens >= 1 else { return false }
            value.tokens -= 1
            return true
        }
    }
}
