import Foundation

/// What the translate stage remembers about one order of one system.
public struct OrderState: Codable, Hashable, Sendable {
    /// Most recent event ids kept for duplicate detection.
    public static let appliedEventLimit = 32

    public var key: OrderKey
    /// Join of every applied observation's dimensions.
    public var dimensions: OrderDimensions
    /// Union of the applied observations' facts.
    public var facts: OrderFacts
    /// The furthest position applied (source timestamp, version, event id).
    public var position: EventPosition
    /// The most recent applied event ids, oldest first, at most `appliedEventLimit`.
    public var appliedEventIDs: [String]

    public init(
        key: OrderKey, dimensions: OrderDimensions, facts: OrderFacts, position: EventPosition,
        appliedEventIDs: [String]
    ) {
        self.key = key
        self.dimensions = dimensions
        self.facts = facts
        self.position = position
        self.appliedEventIDs = Array(appliedEventIDs.suffix(Self.appliedEventLimit))
    }

    /// The state after a first observation.
    public init(first observation: ChannelObservation) {
        self.init(
            key: observation.key, dimensions: observation.dimensions, facts: observation.facts,
            position: observation.position, appliedEventIDs: [observation.eventID])
    }

    /// Derived from `dimensions`.
    public var canonicalState: CanonicalState { dimensions.canonicalState }
    /// The source timestamp of the furthest applied observation.
    public var sourceTimestamp: Date { position.sourceTimestamp }
    /// Its version, if the channel has versions.
    public var version: Int64? { position.version }
    /// Its event id.
    public var lastEventID: String { position.eventID }

    /// True when the state has seen `eventID` recently.
    public func hasApplied(_ eventID: String) -> Bool {
        position.eventID == eventID || appliedEventIDs.contains(eventID)
    }
}
