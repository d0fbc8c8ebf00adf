import Foundation

/// The timestamps an order can carry: finite, from 1970-01-01 to 9999-12-31 (what RFC 3339 can
/// write). Anything else (NaN, infinity, 1e300 seconds) comes only from a forged or corrupted
/// record, and must not reach the state machine or the ledger.
public enum PlausibleTime {
    /// Seconds since 1970 of the first and the last plausible instant.
    public static let range: ClosedRange<TimeInterval> = 0...253_402_300_799

    /// Whether `date` is plausible.
    public static func contains(_ date: Date) -> Bool {
        let seconds = date.timeIntervalSince1970
        return seconds.isFinite && range.contains(seconds)
    }
}

extension ChannelObservation {
    /// Whether every timestamp of the observation is plausible (``PlausibleTime``).
    public var hasPlausibleTimes: Bool {
        PlausibleTime.contains(sourceTimestamp) && (facts.cancelledAt.map(PlausibleTime.contains) ?? true)
    }
}
