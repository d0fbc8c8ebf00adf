import Foundation

/// A point in the channel's time that orders content: an order body's `updated_at`, an edit's
/// `committed_at`. Coded as RFC 3339 text (whatever date strategy the surrounding coder uses, so
/// every stored form of the content is the same).
public struct ContentStamp: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var date: Date

    public init(_ date: Date) {
        self.date = date
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not RFC 3339: \(text.prefix(40))")
        }
        self.date = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public var description: String { RFC3339.format(date) }

    public static func < (lhs: ContentStamp, rhs: ContentStamp) -> Bool { lhs.date < rhs.date }
}
