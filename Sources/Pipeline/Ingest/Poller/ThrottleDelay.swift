import Foundation

/// How long the poller waits after a 429, from the answer's headers. Pure: every header value,
/// however hostile (`inf`, `nan`, `1e300`, negative, a date years away, a rate of `1e-300`), gives a
/// finite wait within `[minimum, maximum]`; nothing here can trap.
enum ThrottleDelay {
    /// The shortest wait (a `Retry-After: 0` still yields the loop).
    static let minimum = 0.01
    /// The longest wait any configuration can ask for (one hour).
    static let ceiling = 3600.0

    /// Seconds to wait: `Retry-After` (delta-seconds or an HTTP-date) when usable, else one request
    /// interval from `x-amzn-RateLimit-Limit` (requests per second) but at least `fallback`, else
    /// `fallback`; always clamped to `[minimum, maximum]` (`maximum` itself at most ``ceiling``).
    static func seconds(
        retryAfter: String?, rateLimit: String?, fallback: Double, maximum: Double, now: Date = Date()
    ) -> Double {
        let upper = clamp(maximum, to: minimum...ceiling, otherwise: ceiling)
        let floor = clamp(fallback, to: minimum...upper, otherwise: minimum)
        if let retryAfter, let seconds = RetryAfter.seconds(retryAfter, now: now) {
            return clamp(seconds, to: minimum...upper, otherwise: upper)
        }
        if let rateLimit, let rate = Double(rateLimit.trimmingCharacters(in: .whitespaces)), rate.isFinite, rate > 0 {
            return clamp(max(floor, 1 / rate), to: minimum...upper, otherwise: upper)
        }
        return floor
    }

    private static func clamp(_ value: Double, to range: ClosedRange<Double>, otherwise: Double) -> Double {
        DurationSeconds.clampedSeconds(value, to: range, otherwise: otherwise)
    }

    /// `seconds` (already clamped) as a `Duration`, in whole milliseconds.
    static func duration(_ seconds: Double) -> Duration {
        DurationSeconds.clamped(seconds, to: .milliseconds(10)...(.seconds(3600)), otherwise: .seconds(3600))
    }
}
