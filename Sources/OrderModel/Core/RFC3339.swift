import Foundation

/// A small, allocation-free RFC 3339 / ISO 8601 timestamp parser and formatter (UTC output).
/// Accepts `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`, with `t`/space as separator too.
public enum RFC3339 {
    /// Parses a timestamp; nil when it is not RFC 3339.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// Parses UTF-8 bytes.
    public static func parse(utf8 b: UnsafeBufferPointer<UInt8>) -> Date? {
        let n = b.count
        guard n >= 19 else { return nil }
        func digits(_ start: Int, _ count: Int) -> Int? {
            var v = 0
            for i in start..<(start + count) {
                let c = b[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let year = digits(0, 4), b[4] == 45, let month = digits(5, 2), b[7] == 45,
            let day = digits(8, 2), b[10] == 84 || b[10] == 116 || b[10] == 32,
            let hour = digits(11, 2), b[13] == 58, let minute = digits(14, 2), b[16] == 58,
            let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var fraction = 0.0
        if i < n && b[i] == 46 {  // '.'
            i += 1
            var scale = 0.1
            let start = i
            while i < n, b[i] >= 48 && b[i] <= 57 {
                fraction += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < n else { return nil }
        var offset = 0
        switch b[i] {
        case 90, 122:  // Z z
            i += 1
        case 43, 45:  // + -
            let sign = b[i] == 45 ? -1 : 1
            guard i + 3 <= n, let oh = digits(i + 1, 2) else { return nil }
            var j = i + 3
            if j < n && b[j] == 58 { j += 1 }
            guard j + 2 <= n, let om = digits(j, 2), oh < 24, om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
            i = j + 2
        default:
            return nil
        }
        guard i == n else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Formats as `YYYY-MM-DDTHH:MM:SS[.mmm]Z` (rounded to the nearest millisecond).
    public static func format(_ date: Date) -> String {
        let totalMillis = (date.timeIntervalSince1970 * 1000).rounded()
        // Not representable (NaN, or beyond ±3 million years): the raw seconds, rather than a trap.
        guard totalMillis.magnitude < 1e17 else { return "\(date.timeIntervalSince1970)" }
        var whole = Int(totalMillis) / 1000
        var millis = Int(totalMillis) % 1000
        if millis < 0 {
            millis += 1000
            whole -= 1
        }
        var days = whole / 86_400
        var rem = whole % 86_400
        if rem < 0 {
            rem += 86_400
            days -= 1
        }
        let (y, m, d) = civilFromDays(days)
        // One allocation: the digits are written straight into the string's storage. Years outside
        // 0…9999 get a sign and more digits (the bound above keeps them under 8 digits).
        return String(unsafeUninitializedCapacity: 32) { buffer in
            var i = 0
            /// `value` (≥ 0) with at least `width` digits.
            func put(_ value: Int, _ width: Int) {
                var divisor = 1
                var digits = 1
                while digits < width || value / divisor >= 10 {
                    divisor *= 10
                    digits += 1
                }
                var v = value
                while divisor > 0 {
                    buffer[i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: v / divisor)
                    v %= divisor
                    divisor /= 10
                    i += 1
                }
            }
            func char(_ c: Unicode.Scalar) {
                buffer[i] = UInt8(ascii: c)
                i += 1
            }
            if y < 0 { char("-") }
            put(abs(y), 4)
            char("-")
            put(m, 2)
            char("-")
            put(d, 2)
            char("T")
            put(rem / 3600, 2)
            char(":")
            put(rem % 3600 / 60, 2)
            char(":")
            put(rem % 60, 2)
            if millis > 0 {
                char(".")
                put(millis, 3)
            }
            char("Z")
            return i
        }
    }

    // Howard Hinnant's days-from-civil algorithm (proleptic Gregorian).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
