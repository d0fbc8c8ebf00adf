import Foundation

/// The one JSON form of ``OrderContent`` everywhere it is stored or carried (canonical events, the
/// stored order state, the `dl-observation` header): `JSONEncoder` with sorted keys and unescaped
/// slashes — the same bytes the canonical event encoder writes for it (the content holds no `Date`).
public enum ContentJSON {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// The content as JSON text; nil if it cannot be encoded.
    public static func text(_ content: OrderContent) -> String? {
        guard let data = try? encoder.encode(content) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The content of JSON text; nil when it does not decode.
    public static func content(_ text: String) -> OrderContent? {
        try? JSONDecoder().decode(OrderContent.self, from: Data(text.utf8))
    }
}
