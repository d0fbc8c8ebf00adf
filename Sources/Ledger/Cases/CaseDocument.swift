import Foundation

/// JSON of a case as stored in the `document` column (the columns beside it are for filtering).
enum CaseDocument {
    static func encode(_ value: DeadLetterCase) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode(_ text: String, id: Int64) throws -> DeadLetterCase {
        do {
            var value = try JSONDecoder().decode(DeadLetterCase.self, from: Data(text.utf8))
            value.id = id
            return value
        } catch {
            throw LedgerError.database("cases", reason: "unreadable case \(id): \(error)")
        }
    }

    /// What `recordCase` does once the store knows whether the source was seen and which case
    /// `arrival.reopens` names (`existing`): the case to write and the outcome, or nil to insert a
    /// new one.
    static func reopening(_ existing: DeadLetterCase?, with arrival: CaseArrival) -> DeadLetterCase? {
        guard let existing else { return nil }
        return existing.reopened(by: arrival)
    }
}
