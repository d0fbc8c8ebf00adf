import Foundation

/// What an operator reads from a stored order state: the four dimensions and the facts that identify
/// the order elsewhere (tracking numbers, payment transaction ids, refund ids). The stored document
/// also carries the order's content (lines, addresses), far too long for a table cell.
struct StoredStateSummary: Decodable {
    var payment: String?
    var fulfillment: String?
    var lifecycle: String?
    var returns: String?
    var facts: Facts?

    struct Facts: Decodable {
        var trackingNumbers: [String]?
        var captureTransactionIDs: [String]?
        var refundIDs: [String]?
    }

    enum CodingKeys: String, CodingKey {
        case payment, fulfillment, lifecycle
        case returns = "return"
        case facts
    }

    /// The summary of `json`; nil when it is not a stored state document.
    static func decode(_ json: String) -> StoredStateSummary? {
        try? JSONDecoder().decode(StoredStateSummary.self, from: Data(json.utf8))
    }

    /// HTML for a table cell: the dimensions, then each identifying fact in a span of its own class
    /// (`tracking`, `payment-id`, `refund-id`) so it can be copied or searched for.
    var html: String {
        let dimensions = [
            ("payment", payment), ("fulfillment", fulfillment), ("lifecycle", lifecycle), ("return", returns),
        ].compactMap { name, value in value.map { "\(name)=\($0)" } }.joined(separator: " ")
        var parts = ["<code>\(OpsHTML.escape(dimensions))</code>"]
        let facts: [(String, String, [String]?)] = [
            ("tracking", "tracking", self.facts?.trackingNumbers),
            ("payments", "payment-id", self.facts?.captureTransactionIDs),
            ("refunds", "refund-id", self.facts?.refundIDs),
        ]
        for (label, cssClass, values) in facts {
            guard let values, !values.isEmpty else { continue }
            let spans = values.map { "<span class=\"\(cssClass)\">\(OpsHTML.escape($0))</span>" }
            parts.append("\(label): " + spans.joined(separator: ", "))
        }
        return parts.joined(separator: "<br>")
    }
}
