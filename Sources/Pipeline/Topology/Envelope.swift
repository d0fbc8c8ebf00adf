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
        var result: [KafkaHeader] = []
        result.reserveCapacity(8)  // room for dl-observation, which validate adds
        result.append(.utf8(EnvelopeHeader.eventID, eventID))
        result.append(.utf8(EnvelopeHeader.channel, channel.rawValue))
        result.append(.utf8(EnvelopeHeader.orderID, orderID))
        result.append(.utf8(EnvelopeHeader.kind, kind))
        result.append(.utf8(EnvelopeHeader.receivedAt, RFC3339.format(receivedAt)))
        if let sourceTimestamp {
            result.append(.utf8(EnvelopeHeader.sourceTimestamp, RFC3339.format(sourceTimestamp)))
        }
        result.append(.utf8(EnvelopeHeader.traceID, traceID))
        return result
    }

    /// Reads an envelope from record headers (the last header of a name wins).
    /// - Throws: `EnvelopeError.missingHeader` / `.invalidHeader` naming the header.
    public init(headers: [KafkaHeader]) throws(EnvelopeError) {
        // One pass over the headers; timestamps are parsed from the bytes, and only the values the
        // envelope keeps become strings (this runs for every record of every stage).
        var eventID: [UInt8]?
        var channel: [UInt8]?
        var orderID: [UInt8]?
        var kind: [UInt8]?
        var receivedAt: [UInt8]?
        var sourceTimestamp: [UInt8]?
        var traceID: [UInt8]?
        for header in headers {
            switch header.key {
            case EnvelopeHeader.eventID: eventID = header.value
            case EnvelopeHeader.channel: channel = header.value
            case EnvelopeHeader.orderID: orderID = header.value
            case EnvelopeHeader.kind: kind = header.value
            case EnvelopeHeader.receivedAt: receivedAt = header.value
            case EnvelopeHeader.sourceTimestamp: sourceTimestamp = header.value
            case EnvelopeHeader.traceID: traceID = header.value
            default: continue
            }
        }
        func required(_ name: String, _ bytes: [UInt8]?) throws(EnvelopeError) -> String {
            guard let bytes, !bytes.isEmpty, let text = String(validating: bytes, as: UTF8.self) else {
                throw .missingHeader(name)
            }
            return text
        }
        func timestamp(_ name: String, _ bytes: [UInt8]) throws(EnvelopeError) -> Date {
            guard let date = bytes.withUnsafeBufferPointer({ RFC3339.parse(utf8: $0) }) else {
                throw .invalidHeader(name, String(decoding: bytes, as: UTF8.self))
            }
            return date
        }
        guard let received = receivedAt, !received.isEmpty else { throw .missingHeader(EnvelopeHeader.receivedAt) }
        let receivedDate = try timestamp(EnvelopeHeader.receivedAt, received)
        let sourceDate = try sourceTimestamp.map { bytes throws(EnvelopeError) in
            try timestamp(EnvelopeHeader.sourceTimestamp, bytes)
        }
        let channelText = try required(EnvelopeHeader.channel, channel)
        guard let channelValue = Channel(rawValue: channelText) else {
            throw .invalidHeader(EnvelopeHeader.channel, channelText)
        }
        self.init(
            eventID: try required(EnvelopeHeader.eventID, eventID),
            channel: channelValue,
            orderID: try required(EnvelopeHeader.orderID, orderID),
            kind: try required(EnvelopeHeader.kind, kind),
            receivedAt: receivedDate,
            sourceTimestamp: sourceDate,
            traceID: traceID.flatMap { String(validating: $0, as: UTF8.self) } ?? ""
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
