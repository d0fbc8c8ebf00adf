import Foundation
import Kafka
import OrderModel

/// The envelope every pipeline record carries in its headers (see `EnvelopeHeader`).
public struct Envelope: Sendable, Hashable {
    /// Deterministic event id.
    public var eventID: String
    /// `shopify`, `amazon`, `erp`.
    public var channel: Channel
    /// The channel's order id.
    public var orderID: String
    /// Payload kind, e.g. `orders/updated`, `amazon/order`.
    public var kind: String
    /// When Driftless received the event.
    public var receivedAt: Date
    /// The channel's timestamp of the change, when known.
    public var sourceTimestamp: Date?
    /// Trace id.
    public var traceID: String

    /// Creates an envelope; `traceID` defaults to a fresh UUID.
    public init(
        eventID: String, channel: Channel, orderID: String, kind: String,
        receivedAt: Date = Date(), sourceTimestamp: Date? = nil, traceID: String = UUID().uuidString.lowercased()
    ) {
        self.eventID = eventID
        self.channel = channel
        self.orderID = orderID
        self.kind = kind
        self.receivedAt = receivedAt
        self.sourceTimestamp = sourceTimestamp
        self.traceID = traceID
    }

    /// The record key: `"<channel>:<order id>"`.
    public var orderKey: OrderKey { OrderKey(channel: channel, orderID: orderID) }

    /// The envelope as Kafka headers.
    public var headers: [KafkaHeader] {
        var result: [KafkaHeader] = [
            .utf8(EnvelopeHeader.eventID, eventID),
            .utf8(EnvelopeHeader.channel, channel.rawValue),
            .utf8(EnvelopeHeader.orderID, orderID),
            .utf8(EnvelopeHeader.kind, kind),
            .utf8(EnvelopeHeader.receivedAt, RFC3339.format(receivedAt)),
        ]
        if let sourceTimestamp {
            result.append(.utf8(EnvelopeHeader.sourceTimestamp, RFC3339.format(sourceTimestamp)))
        }
        result.append(.utf8(EnvelopeHeader.traceID, traceID))
        return result
    }

    /// Reads an envelope from record headers.
    /// - Throws: `EnvelopeError.missingHeader` / `.invalidHeader` naming the header.
    public init(headers: [KafkaHeader]) throws(EnvelopeError) {
        let map = HeaderMap(headers)
        func required(_ name: String) throws(EnvelopeError) -> String {
            guard let value = map[name], !value.isEmpty else { throw .missingHeader(name) }
            return value
        }
        let received = try required(EnvelopeHeader.receivedAt)
        guard let receivedAt = RFC3339.parse(received) else {
            throw .invalidHeader(EnvelopeHeader.receivedAt, received)
        }
        var sourceTimestamp: Date?
        if let text = map[EnvelopeHeader.sourceTimestamp] {
            guard let date = RFC3339.parse(text) else {
                throw .invalidHeader(EnvelopeHeader.sourceTimestamp, text)
            }
            sourceTimestamp = date
        }
        let channelText = try required(EnvelopeHeader.channel)
        guard let channel = Channel(rawValue: channelText) else {
            throw .invalidHeader(EnvelopeHeader.channel, channelText)
        }
        self.init(
            eventID: try required(EnvelopeHeader.eventID),
            channel: channel,
            orderID: try required(EnvelopeHeader.orderID),
            kind: try required(EnvelopeHeader.kind),
            receivedAt: receivedAt,
            sourceTimestamp: sourceTimestamp,
            traceID: map[EnvelopeHeader.traceID] ?? ""
        )
    }
}

/// Why record headers do not form an envelope.
public enum EnvelopeError: Error, Hashable, CustomStringConvertible {
    case missingHeader(String)
    case invalidHeader(String, String)

    public var description: String {
        switch self {
        case .missingHeader(let name): "missing header \(name)"
        case .invalidHeader(let name, let value): "invalid header \(name)=\(value.prefix(64))"
        }
    }
}

/// Last-wins lookup of UTF-8 header values by name.
public struct HeaderMap: Sendable {
    private let headers: [KafkaHeader]

    public init(_ headers: [KafkaHeader]) {
        // Looked up on demand: a record carries about ten headers and a stage reads a few of them,
        // so converting every value (the `dl-observation` value included) up front costs more.
        self.headers = headers
    }

    public subscript(_ name: String) -> String? {
        for header in headers.reversed() where header.key == name {
            guard let bytes = header.value, let text = String(validating: bytes, as: UTF8.self) else { continue }
            return text
        }
        return nil
    }
}

extension KafkaHeader {
    /// A header with a UTF-8 string value.
    static func utf8(_ key: String, _ value: String) -> KafkaHeader {
        KafkaHeader(key: key, string: value)
    }
}
