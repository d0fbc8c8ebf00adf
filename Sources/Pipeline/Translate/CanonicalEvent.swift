import Foundation
import OrderModel

/// The value of a record on `<p>.canonical`: one change of an order's canonical state (or of its
/// facts), with everything ERP dispatch needs. `eventID` is deterministic
/// (`canonical:<order key>:<source event id>`), so a replay re-emits the same id.
public struct CanonicalEvent: Codable, Hashable, Sendable {
    public var eventID: String
    public var orderKey: OrderKey
    public var channel: Channel
    public var orderID: String
    /// The channel event that caused it.
    public var sourceEventID: String
    public var sourceKind: String
    public var sourceTimestamp: Date
    /// Canonical state before (nil for a new order) and after.
    public var previousState: CanonicalState?
    public var state: CanonicalState
    public var previousDimensions: OrderDimensions?
    public var dimensions: OrderDimensions
    public var facts: OrderFacts
    /// What the ERP should show for `state` (from the mapping matrix).
    public var erpTarget: ERPTarget?
    /// The order state's ledger version after this change (grows by one per applied event).
    public var version: Int64
    /// Version of the mapping matrix used.
    public var mappingVersion: Int
    public var traceID: String

    public init(
        eventID: String, orderKey: OrderKey, channel: Channel, orderID: String, sourceEventID: String,
        sourceKind: String, sourceTimestamp: Date, previousState: CanonicalState?, state: CanonicalState,
        previousDimensions: OrderDimensions?, dimensions: OrderDimensions, facts: OrderFacts, erpTarget: ERPTarget?,
        version: Int64, mappingVersion: Int, traceID: String
    ) {
        self.eventID = eventID
        self.orderKey = orderKey
        self.channel = channel
        self.orderID = orderID
        self.sourceEventID = sourceEventID
        self.sourceKind = sourceKind
        self.sourceTimestamp = sourceTimestamp
        self.previousState = previousState
        self.state = state
        self.previousDimensions = previousDimensions
        self.dimensions = dimensions
        self.facts = facts
        self.erpTarget = erpTarget
        self.version = version
        self.mappingVersion = mappingVersion
        self.traceID = traceID
    }

    /// The deterministic id of the canonical event caused by `sourceEventID` on `orderKey`.
    public static func eventID(orderKey: OrderKey, sourceEventID: String) -> String {
        "canonical:\(orderKey.description):\(sourceEventID)"
    }

    /// JSON encoder (sorted keys, RFC 3339 dates).
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        return encoder
    }()

    /// JSON decoder matching `encoder`.
    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not RFC 3339: \(text)")
            }
            return date
        }
        return decoder
    }()
}
