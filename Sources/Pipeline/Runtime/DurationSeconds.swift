import Foundation

/// Seconds ⇄ `Duration`, and the one place a number of seconds that comes from outside (a
/// `Retry-After` in seconds or as an HTTP-date, a throttle's cost and restore rate, a token's
/// `expires_in`) becomes a `Duration`: clamped first, as a `Double`, so no value — huge, negative,
/// not a number, infinite — can overflow the conversion and trap the process.
package enum DurationSeconds {
    /// Seconds of a `Duration` as a `Double`.
    package static func of(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// `seconds` as a `Duration` within `range` (whole milliseconds, rounded up); an infinity is the
    /// bound on its side (a value that overflowed), `otherwise` when it is nil or not a number. Never traps.
    static func clamped(_ seconds: Double?, to range: ClosedRange<Duration>, otherwise: Duration) -> Duration {
        guard let seconds, !seconds.isNaN else { return min(max(otherwise, range.lowerBound), range.upperBound) }
        let lower = of(range.lowerBound)
        let upper = of(range.upperBound)
        let bounded = min(max(seconds, lower), upper)
        if bounded >= upper { return range.upperBound }
        if bounded <= lower { return range.lowerBound }
        // Within bounds that are themselves `Duration`s: the milliseconds fit in an Int64.
        let duration = Duration.milliseconds(Int64((bounded * 1000).rounded(.up)))
        return min(max(duration, range.lowerBound), range.upperBound)
    }

    /// `seconds` clamped to `range` (in seconds), `otherwise` when nil or not finite.
    static func clampedSeconds(_ seconds: Double?, to range: ClosedRange<Double>, otherwise: Double) -> Double {
        guard let seconds, seconds.isFinite else { return min(max(otherwise, range.lowerBound), range.upperBound) }
        return min(max(seconds, range.lowerBound), range.upperBound)
    }
}
