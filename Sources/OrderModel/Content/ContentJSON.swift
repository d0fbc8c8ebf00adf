import Foundation

/// The one JSON form of ``OrderContent`` everywhere it is stored or carried (canonical events, the
/// stored order state, the `dl-observation` header): what `JSONEncoder` with sorted keys and unescaped
/// slashes writes — the same bytes the canonical event encoder writes for it (the content holds no
/// `Date`) — written directly by `ContentJSONWriter` (the tests compare it with `JSONEncoder`).
public enum ContentJSON {
    /// The content as JSON text (nil is kept for callers written when `JSONEncoder` could fail; it is
    /// never returned now).
    public static func text(_ content: OrderContent) -> String? {
        String(decoding: ContentJSONWriter.bytes(of: content), as: UTF8.self)
    }

    /// The content of JSON text; nil when it does not decode. Single-pass `ContentJSONReader` first,
    /// `JSONDecoder` for whatever it does not handle (the same content either way).
    public static func content(_ text: String) -> OrderContent? {
        var text = text
        if let content = text.withUTF8(ContentJSONReader.read) { return content }
        return contentWithJSONDecoder(text)
    }

    /// The `JSONDecoder` path alone: the fallback of `content`, public for the benchmarks that compare
    /// the two paths (use `content`).
    public static func contentWithJSONDecoder(_ text: String) -> OrderContent? {
        try? JSONDecoder().decode(OrderContent.self, from: Data(text.utf8))
    }
}
