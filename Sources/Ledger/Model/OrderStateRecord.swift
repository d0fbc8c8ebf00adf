import Foundation

/// The durable state of one order as seen by one system (a channel or `erp`).
///
/// Translate keeps it to survive restarts and rebalances: the last canonical state, the dimensions
/// behind it (JSON text, opaque to the ledger), a version that only grows, and the ids of the events
/// already applied (bounded, newest last) so a replayed event is recognised as a duplicate.
public struct OrderStateRecord: Sendable, Hashable, Codable {
    /// How many applied event ids are kept by default.
    public static let defaultAppliedEventLimit = 64

    /// `"<channel>:<order id>"`.
    public var orderKey: String
    /// `shopify`, `amazon`, `erp`, …
    public var system: String
    /// Last canonical state (its raw value).
    public var state: String
    /// Dimensions as JSON text.
    public var dimensionsJSON: String
    /// Monotonic version; the only-if-newer guard compares it.
    public var version: Int64
    /// The channel's timestamp of the event that produced this state.
    public var sourceTimestamp: Date?
    /// The last applied event id.
    public var lastEventID: String?
    /// Recently applied event ids, oldest first, at most ``defaultAppliedEventLimit`` unless told.
    public var appliedEventIDs: [String]
    /// When the row was last written.
    public var updatedAt: Date

    public init(
        orderKey: String, system: String, state: String, dimensionsJSON: String = "{}", version: Int64,
        sourceTimestamp: Date? = nil, lastEventID: String? = nil, appliedEventIDs: [String] = [],
        updatedAt: Date = Date()
    ) {
        self.orderKey = orderKey
        self.system = system
        self.state = state
        self.dimensionsJSON = dimensionsJSON
        self.version = version
        self.sourceTimestamp = sourceTimestamp
        self.lastEventID = lastEventID
        self.appliedEventIDs = appliedEventIDs
        self.updatedAt = updatedAt
    }

    /// The (order, system) pair that identifies the row.
    public var key: OrderStateKey { OrderStateKey(orderKey: orderKey, system: system) }

    /// Whether `eventID` is among the applied ids.
    public func hasApplied(_ eventID: String) -> Bool { appliedEventIDs.contains(eventID) }

    /// Records `eventID` as applied (and as the last event), keeping at most `limit` ids.
    public mutating func markApplied(_ eventID: String, limit: Int = OrderStateRecord.defaultAppliedEventLimit) {
        appliedEventIDs.removeAll { $0 == eventID }
        appliedEventIDs.append(eventID)
        if appliedEventIDs.count > max(limit, 1) {
            appliedEventIDs.removeFirst(appliedEventIDs.count - max(limit, 1))
        }
        lastEventID = eventID
    }
}

/// Identifies an ``OrderStateRecord``.
public struct OrderStateKey: Sendable, Hashable, Codable, CustomStringConvertible {
    public var orderKey: String
    public var system: String
    public init(orderKey: String, system: String) {
        self.orderKey = orderKey
        self.system = system
    }
    public var description: String { "\(orderKey)@\(system)" }
}
