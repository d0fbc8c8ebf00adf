import Foundation

/// One order's hold as the retry path checks it (see "Retry tiers and per-order parking" in
/// docs/ARCHITECTURE.md).
public struct OrderHold: Sendable, Hashable {
    public var orderKey: String
    public var headEventID: String
    /// Changes every time the hold is armed (a head set, moved or re-armed). The retry record
    /// written for the hold carries it (`dl-hold-generation`); a record of another generation is
    /// stale, so one chain at a time drains the order.
    public var generation: Int64
    /// When the order was first held.
    public var since: Date
    /// When the current generation was armed, or last confirmed by a step of its drain.
    public var updated: Date
    /// The head's record, when the hold keeps it (not loaded by ``ParkingStore/holdStates(orders:)``).
    public var head: ParkedEvent?

    public init(
        orderKey: String, headEventID: String, generation: Int64, since: Date, updated: Date, head: ParkedEvent? = nil
    ) {
        self.orderKey = orderKey
        self.headEventID = headEventID
        self.generation = generation
        self.since = since
        self.updated = updated
        self.head = head
    }
}
