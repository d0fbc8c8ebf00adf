import Foundation

/// An event waiting behind its order's head event (which is in the retry tiers): the record as
/// it was read, so it can be dispatched later exactly as if it had just arrived.
public struct ParkedEvent: Sendable, Hashable {
    /// Arrival order (the ledger's row id); 0 before it is stored.
    public var id: Int64
    public var orderKey: String
    public var eventID: String
    /// The record's value (a canonical event) and headers (name, UTF-8 value), unchanged.
    public var value: [UInt8]
    public var headers: [ParkedHeader]
    /// Where it was read from.
    public var sourceTopic: String
    public var sourcePartition: Int32
    public var sourceOffset: Int64
    public var parkedAt: Date

    public init(
        id: Int64 = 0, orderKey: String, eventID: String, value: [UInt8], headers: [ParkedHeader],
        sourceTopic: String, sourcePartition: Int32, sourceOffset: Int64, parkedAt: Date = .now
    ) {
        self.id = id
        self.orderKey = orderKey
        self.eventID = eventID
        self.value = value
        self.headers = headers
        self.sourceTopic = sourceTopic
        self.sourcePartition = sourcePartition
        self.sourceOffset = sourceOffset
        self.parkedAt = parkedAt
    }
}

/// One record header of a parked event.
public struct ParkedHeader: Sendable, Hashable, Codable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// The headers as stored (a JSON array of `{name, value}`).
    static func encode(_ headers: [ParkedHeader]) -> String {
        let data = (try? JSONEncoder().encode(headers)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) -> [ParkedHeader] {
        (try? JSONDecoder().decode([ParkedHeader].self, from: Data(text.utf8))) ?? []
    }
}
