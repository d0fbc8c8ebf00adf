import Foundation

/// The dead-letter or quarantine record as read, byte for byte, so it can be replayed.
public struct CasePayload: Sendable, Hashable, Codable {
    /// Record key (the order key, or the event id when the order is unknown).
    public var key: Data?
    /// Record value: the channel payload (validate, translate) or the canonical event JSON (dispatch).
    public var value: Data?
    /// Every header, in record order (envelope, provenance and retry headers included).
    public var headers: [CaseHeader]

    /// Creates a payload.
    public init(key: Data?, value: Data?, headers: [CaseHeader]) {
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// The last value of header `name` as UTF-8 text.
    public func header(_ name: String) -> String? {
        headers.last { $0.key == name }?.stringValue
    }
}
