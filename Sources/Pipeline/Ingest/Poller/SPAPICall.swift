import Foundation

/// How every SP-API read of this process (the poller's `getOrders`, `getOrderItems`, the
/// reconciliation reader's `getOrders`) is attempted, under one ``OutboundCallPolicy``: a 429 is
/// waited out — `Retry-After` when usable, else one interval of the `x-amzn-RateLimit-Limit` rate
/// but at least the back-off, else the back-off (doubling from `initialBackoff`) — each wait
/// clamped to `[10 ms, maxBackoff]` (and never beyond an hour, whatever is configured), throttles
/// never exhausting the call; a refused access token (401/403) is replaced once; every other
/// answer ends the call (the callers throw). Pacing to the usage plan is the callers' ``RequestPacer``.
enum SPAPICall {
    /// The shortest wait (a `Retry-After: 0` still yields).
    static let minimumWait: Duration = .milliseconds(10)
    /// The longest wait any configuration can ask for.
    static let ceiling: Duration = .seconds(3600)
    /// One attempt's deadline.
    static let attemptTimeout: Duration = .seconds(30)
    /// The most body bytes read from one answer.
    static let maxBody = 16 << 20

    /// The policy with throttle back-off from `initialBackoff` to `maxBackoff` seconds.
    static func policy(initialBackoff: Double, maxBackoff: Double) -> OutboundCallPolicy {
        let upper = DurationSeconds.clamped(maxBackoff, to: minimumWait...ceiling, otherwise: ceiling)
        return OutboundCallPolicy(
            attemptTimeout: attemptTimeout, throttlesCountAsAttempts: false,
            backoff: OutboundBackoff(initial: initialBackoff, maximum: maxBackoff),
            waits: minimumWait...upper)
    }

    /// An answer of SP-API sorted: 2xx success, 429 throttled (with its `Retry-After` and rate
    /// limit), 401/403 a refused credential when `canRefresh`, anything else refused.
    static func verdict(
        _ answer: HTTPAttempt.Answer, canRefresh: Bool, now: Date = Date()
    ) -> OutboundCallState.Verdict {
        switch answer.status {
        case 200..<300: return .success
        case 429:
            return .failed(
                .init(
                    throttled: true, retryAfter: answer.retryAfter(now: now),
                    minimumInterval: interval(rateLimit: answer.headers.first(name: "x-amzn-RateLimit-Limit"))))
        case 401, 403: return canRefresh ? .credentialRefused : .refused
        default: return .refused
        }
    }

    /// One request interval of an `x-amzn-RateLimit-Limit` value (requests per second); nil when
    /// it is not a finite positive number.
    static func interval(rateLimit: String?) -> Double? {
        guard let rateLimit, let rate = Double(rateLimit.trimmingCharacters(in: .whitespaces)), rate.isFinite,
            rate > 0
        else { return nil }
        return 1 / rate
    }

    /// Whether `answer` refused the credential.
    static func isRefusal(_ answer: HTTPAttempt.Answer) -> Bool { answer.status == 401 || answer.status == 403 }
}
