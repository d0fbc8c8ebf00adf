import Foundation

/// One Kafka record header as kept in a case (the ledger does not depend on the Kafka layer).
public struct CaseHeader: Sendable, Hashable, Codable {
    /// Header name.
    public var key: String
    /// Header value bytes (nil for a header without a value).
    public var value: Data?

    /// Creates a header.
    public init(key: String, value: Data?) {
        self.key = key
        self.value = value
    }

    /// The value as UTF-8 text, when it is valid UTF-8.
    public var stringValue: String? {
        value.flatMap { String(data: $0, encoding: .utf8) }
    }
}
