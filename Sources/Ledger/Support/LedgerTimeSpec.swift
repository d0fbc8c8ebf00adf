import Foundation

/// Parses the durations and times operators type: `30d`, `1h`, `15m`, `1h30m`, `2w`, `90s`, or an
/// RFC 3339 instant (`2026-11-27T07:00:00Z`).
public enum LedgerTimeSpec {
    private static let unitSeconds: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]

    /// A positive duration in seconds from text like `30d` or `1h30m`.
    public static func duration(_ text: String) throws -> TimeInterval {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        var total: Double = 0
        var number = ""
        var sawUnit = false
        for character in trimmed {
            if character.isASCII, character.isNumber {
                number.append(character)
            } else if let unit = unitSeconds[character], let value = Double(number) {
                total += value * unit
                number = ""
                sawUnit = true
            } else {
                throw invalid(text)
            }
        }
        guard number.isEmpty, sawUnit, total > 0, total.isFinite else { throw invalid(text) }
        return total
    }

    /// An instant: `now` minus a duration (`1h` = one hour ago), or an RFC 3339 time.
    public static func instant(_ text: String, now: Date = Date()) throws -> Date {
        if let seconds = try? duration(text) { return now.addingTimeInterval(-seconds) }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        throw LedgerError.invalidArgument("'\(text)' is neither a duration (30d, 1h, 15m, 1h30m) nor an RFC 3339 time")
    }

    private static func invalid(_ text: String) -> LedgerError {
        LedgerError.invalidArgument("'\(text)' is not a duration; use e.g. 30d, 12h, 15m, 90s, 1h30m, 2w")
    }
}
