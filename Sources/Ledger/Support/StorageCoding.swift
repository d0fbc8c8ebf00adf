import Foundation

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

    static func encodeIDs(_ ids: [String]) -> String {
        guard let data = try? JSONEncoder().encode(ids), let text = String(data: data, encoding: .utf8) else { return "[]" }
        return text
    }

    /// Decodes a JSON array of strings; a damaged value yields an empty list rather than a crash.
    static func decodeIDs(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}
