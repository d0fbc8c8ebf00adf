import Foundation

/// Finds the orders an identifier belongs to when it is not an order key: a tracking number or a
/// payment transaction id kept in an order's facts, a Shopify order name (`#1013`) the webhook intake
/// wrote into its audit row, an event or trace id. Used by the operations console's order search and
/// `driftless trace`.
///
/// These searches scan text columns (no index): they are for an operator's lookup, not for the hot path.
public protocol OrderMentionStore: Sendable {
    /// Order keys mentioning `identifier` (exact JSON string in an order's stored facts, an audit
    /// row's event or trace id, or the last word of an audit row's detail), at most `limit`, sorted.
    func orderKeys(mentioning identifier: String, limit: Int) async throws -> [String]
}

/// The SQL both backends run (`?` placeholders; PostgreSQL numbers them).
enum OrderMentionSQL {
    /// `%"<identifier>"%`, with `%`, `_` and `\` escaped for `LIKE … ESCAPE '\'`.
    static func quotedPattern(_ identifier: String) -> String {
        "%\"" + escaped(identifier) + "\"%"
    }

    /// `% <identifier>`: the identifier as the last word of a detail.
    static func lastWordPattern(_ identifier: String) -> String {
        "% " + escaped(identifier)
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// The query with its placeholders written by `placeholder(n)` (1-based).
    static func query(_ placeholder: (Int) -> String) -> String {
        """
        SELECT order_key FROM order_states WHERE dimensions LIKE \(placeholder(1)) ESCAPE '\\'
        UNION SELECT order_key FROM audit_records
            WHERE event_id = \(placeholder(2)) OR trace_id = \(placeholder(2))
            OR detail LIKE \(placeholder(3)) ESCAPE '\\'
        ORDER BY order_key LIMIT \(placeholder(4))
        """
    }
}
