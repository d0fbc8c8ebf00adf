import Foundation
import OrderModel

/// Conversions shared by both backends.
enum StorageCoding {
    /// Microseconds since 1970 — the precision both backends keep.
    static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
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
