import Foundation

/// How SP-API path segments and query values are written: percent-encoded, only RFC 3986's
/// unreserved characters kept. One for every SP-API caller (the poller, its items reader,
/// reconciliation's marketplace reader).
enum SPAPIQuery {
    /// `text` percent-encoded for a path segment or a query value.
    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
