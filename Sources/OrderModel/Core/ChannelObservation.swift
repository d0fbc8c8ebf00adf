import Foundation

/// Where an observation sits in an order's history: source timestamp, then version, then event id
/// (a deterministic tie-break so that equal timestamps still order the same way everywhere).
public struct EventPosition: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The channel's timestamp (Shopify `updated_at`, Amazon `LastUpdateDate`, ERP `lastModifiedDate`).
    public var sourceTimestamp: Date
    /// A channel version number when the channel has one.
    public var version: Int64?
    /// The event id.
    public var eventID: String

    public init(sourceTimestamp: Date, version: Int64?, eventID: String) {
        self.sourceTimestamp = sourceTimestamp
        self.version = version
        self.eventID = eventID
    }

    public static func < (lhs: EventPosition, rhs: EventPosition) -> Bool {
        if lhs.sourceTimestamp != rhs.sourceTimestamp { return lhs.sourceTimestamp < rhs.sourceTimestamp }
        let lv = lhs.version ?? Int64.min
        let rv = rhs.version ?? Int64.min
        if lv != rv { return lv < rv }
        return lhs.eventID < rhs.eventID
    }

    public var description: String {
        "\(RFC3339.format(sourceTimestamp))" + (version.map { " v\($0)" } ?? "") + " #\(eventID)"
    }
}

/// One channel's view of an order at one moment, translated through the mapping matrix.
public struct ChannelObservation: Codable, Hashable, Sendable {
    /// The order.
    public var key: OrderKey
    /// Deterministic event id (Shopify webhook id, Amazon order id + LastUpdateDate, …).
    public var eventID: String
    /// What happened, e.g. `orders/updated`, `amazon/order`, `erp/salesOrder`.
    public var kind: String
    /// The channel's timestamp of this state.
    public var sourceTimestamp: Date
    /// A channel version number, when there is one.
    public var version: Int64?
    /// The status along every dimension.
    public var dimensions: OrderDimensions
    /// Raw facts (tracking numbers, capture ids, cancellation).
    public var facts: OrderFacts

    public init(
        key: OrderKey, eventID: String, kind: String, sourceTimestamp: Date, version: Int64? = nil,
        dimensions: OrderDimensions, facts: OrderFacts = .none
    ) {
        self.key = key
        self.eventID = eventID
        self.kind = kind
        self.sourceTimestamp = sourceTimestamp
        self.version = version
        self.dimensions = dimensions
        self.facts = facts
    }

    /// The canonical state of `dimensions`.
    public var canonicalState: CanonicalState { dimensions.canonicalState }

    /// The observation's place in the order's history.
    public var position: EventPosition {
        EventPosition(sourceTimestamp: sourceTimestamp, version: version, eventID: eventID)
    }
}
