/// A system that holds a view of an order: a storefront, a marketplace or the ERP.
public enum Channel: String, Codable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Shopify-style storefront.
    case shopify
    /// Amazon SP-API-style marketplace.
    case amazon
    /// NetSuite-style ERP.
    case erp

    public var description: String { rawValue }
}

/// The partition key of an order: `"<channel>:<order id>"`, e.g. `shopify:5678123`.
public struct OrderKey: Codable, Hashable, Sendable, Comparable, CustomStringConvertible,
    LosslessStringConvertible
{
    /// The channel the order id belongs to.
    public var channel: Channel
    /// The channel's own order id (Shopify numeric id, Amazon order id, ERP external id…).
    public var orderID: String

    /// Creates a key from its parts.
    public init(channel: Channel, orderID: String) {
        self.channel = channel
        self.orderID = orderID
    }

    /// Parses `"<channel>:<order id>"`; returns nil for an unknown channel or an empty order id.
    /// Only the first `:` separates: Amazon ids contain dashes, ERP ids may contain colons.
    public init?(_ description: String) {
        guard let colon = description.firstIndex(of: ":") else { return nil }
        guard let channel = Channel(rawValue: String(description[..<colon])) else { return nil }
        let id = description[description.index(after: colon)...]
        guard !id.isEmpty else { return nil }
        self.init(channel: channel, orderID: String(id))
    }

    /// `"<channel>:<order id>"`.
    public var description: String { "\(channel.rawValue):\(orderID)" }

    /// The key as UTF-8 bytes (the Kafka record key).
    public var bytes: [UInt8] { Array(description.utf8) }

    public static func < (lhs: OrderKey, rhs: OrderKey) -> Bool {
        lhs.description < rhs.description
    }

    // Encoded as its string form so that it reads well in JSON and in the ledger.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let key = OrderKey(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not an order key \"<channel>:<order id>\": \(text)")
        }
        self = key
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
