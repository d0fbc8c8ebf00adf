import Foundation

/// Timestamps in the simulators' JSON: Shopify uses offsets (`2026-11-27T08:00:00-05:00` style; we emit
/// UTC `Z`), Amazon uses UTC `Z`.
enum SimulatorTime {
    static func string(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: false)
                .timeZone(separator: .colon).dateSeparator(.dash).timeSeparator(.colon).dateTimeSeparator(.standard))
    }

    static func date(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(
            text,
            strategy: .iso8601.year().month().day()
                .time(includingFractionalSeconds: true).timeZone(separator: .omitted).dateTimeSeparator(.standard))
    }
}
