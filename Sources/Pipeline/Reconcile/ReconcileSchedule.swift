import Foundation

/// When the built-in schedule runs reconciliation: daily at a time of day (UTC), off-peak by default;
/// or every `interval` seconds (`reconcile.every`), in slots aligned to the epoch so that every
/// replica wakes for the same slot.
public struct ReconcileSchedule: Sendable, Hashable {
    /// Seconds after midnight UTC.
    public var secondsOfDay: Int
    /// Seconds between runs instead of daily (slots at multiples of it since 1970); nil: daily.
    public var interval: Int?

    /// Daily at `hour`:`minute` UTC (default 03:30, off-peak for most shops).
    public init(hour: Int = 3, minute: Int = 30) {
        secondsOfDay = (max(0, min(23, hour)) * 60 + max(0, min(59, minute))) * 60
    }

    /// Daily at `secondsOfDay` seconds after midnight UTC (taken modulo a day).
    public init(secondsOfDay: Int) {
        self.secondsOfDay = ((secondsOfDay % 86_400) + 86_400) % 86_400
    }

    /// Every `seconds` seconds (at least 1), slots aligned to the epoch.
    public static func every(seconds: Int) -> ReconcileSchedule {
        var schedule = ReconcileSchedule()
        schedule.interval = max(1, seconds)
        return schedule
    }

    /// `HH:MM` (daily, UTC) or `every Ns`.
    public var text: String {
        if let interval { return "every \(interval)s" }
        return String(format: "%02d:%02d", secondsOfDay / 3600, secondsOfDay % 3600 / 60)
    }

    /// Reads `HH:MM` (24 h, UTC).
    /// - Throws: `PipelineConfigurationError.invalidValue` naming `reconcile.dailyAt`.
    public static func parse(_ text: String) throws(PipelineConfigurationError) -> ReconcileSchedule {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0...23).contains(hour),
            (0...59).contains(minute)
        else { throw .invalidValue(field: "reconcile.dailyAt", value: text) }
        return ReconcileSchedule(hour: hour, minute: minute)
    }

    /// The first scheduled time strictly after `date`.
    public func next(after date: Date) -> Date {
        let t = date.timeIntervalSince1970
        if let interval {
            let step = Double(interval)
            return Date(timeIntervalSince1970: ((t / step).rounded(.down) + 1) * step)
        }
        let day = 86_400.0
        let midnight = (t / day).rounded(.down) * day
        let today = midnight + Double(secondsOfDay)
        return Date(timeIntervalSince1970: today > t ? today : today + day)
    }
}
