import Foundation

/// Parses the durations and times operators type: `30d`, `1h`, `15m`, `1h30m`, `2w`, `90s`, or an
/// RFC 3339 instant (`2026-11-27T07:00:00Z`). The one duration syntax of every flag and setting that
/// takes a duration as text (`--window`, `--since`, `--older-than`, `--send-timeout`, retention).
public enum LedgerTimeSpec {
    private static let unitSeconds: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]

    /// The longest duration accepted unless a use says otherwise: ten years (3650d).
    public static let maximumSeconds: TimeInterval = 3650 * 86_400

    /// A positive duration in seconds from text like `30d` or `1h30m`, at most `maximum` seconds.
    public static func duration(_ text: String, maximum: TimeInterval = maximumSeconds) throws -> TimeInterval {
        let seconds = try parse(text)
        guard seconds <= maximum else {
            throw LedgerError.invalidArgument("'\(text)' is longer than the maximum \(describe(maximum))")
        }
        return seconds
    }

    /// `90s`, `1h30m`, `2d`: the shortest text for whole seconds.
    public static func describe(_ seconds: TimeInterval) -> String {
        var rest = Int64(min(max(seconds, 0), maximumSeconds * 10).rounded())
        guard rest > 0 else { return "0s" }
        var text = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }

    private static func parse(_ text: String) throws -> TimeInterval {
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
