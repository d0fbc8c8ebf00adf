import Foundation
import JSONText

/// Conversions shared by both backends.
enum StorageCoding {
    /// Microseconds since 1970 — the precision both backends keep.
    /// A non-finite or out-of-range date (nothing valid produces one) is clamped rather than trapping.
    static func microseconds(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1_000_000).rounded()
        guard value.isFinite else { return value == .infinity ? .max : (value == -.infinity ? .min : 0) }
        return Int64(exactly: value) ?? (value > 0 ? .max : .min)
    }

    /// `text` as stored: NUL (which PostgreSQL cannot keep in a text column and would refuse the
    /// whole statement for) becomes U+FFFD, on both backends alike.
    static func text(_ text: String) -> String {
        guard text.utf8.contains(0) else { return text }
        return text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
    }

    static func optionalText(_ text: String?) -> String? {
        text.map { self.text($0) }
    }

    static func date(microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }

    /// Rounds a date to whole microseconds, as stored.
    static func storedPrecision(_ date: Date) -> Date {
        self.date(microseconds: microseconds(date))
    }

    /// A JSON array of strings (written directly: this runs for every state row saved).
    static func encodeIDs(_ ids: [String]) -> String {
        var writer = JSONTextWriter(capacity: 16 + ids.reduce(0) { $0 + $1.utf8.count + 3 })
        writer.strings(ids)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Decodes a JSON array of strings; a damaged value yields an empty list rather than a crash.
    static func decodeIDs(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}
