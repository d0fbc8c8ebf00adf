/// Durable per-order parking (see "Retry tiers and per-order parking" in docs/ARCHITECTURE.md).
///
/// An order is *held* while one of its events (the head) is in the retry tiers; its later events
/// are parked here in arrival order and follow the head once it succeeded or was dead-lettered.
/// Parking and releasing are atomic with respect to each other: an event is parked only while
/// the hold exists, and a hold is released only when nothing is parked behind it, so no event is
/// ever left behind a released hold or dispatched past a held one.
public protocol ParkingStore: Sendable {
    /// The held orders among `orders`, with their head event ids.
    func holds(orders: [String]) async throws -> [String: String]

    /// Holds `order` with `headEventID` as its head (creating the hold or moving its head).
    func hold(order: String, headEventID: String) async throws

    /// Parks `event` behind its order's hold, in one transaction with the check that the hold
    /// exists. Returns false (and parks nothing) when the order is not held.
    func park(_ event: ParkedEvent) async throws -> Bool

    /// The events parked behind `order`, oldest first (at most `limit`).
    func parked(order: String, limit: Int) async throws -> [ParkedEvent]

    /// Removes a parked event (it was dispatched, retried or dead-lettered).
    func unpark(id: Int64) async throws

    /// Releases `order`'s hold if nothing is parked behind it; returns whether it was released
    /// (false: events were parked meanwhile — drain them first).
    func release(order: String) async throws -> Bool

    /// How many orders are held and how many events are parked.
    func parkingCounts() async throws -> (held: Int, parked: Int)
}
