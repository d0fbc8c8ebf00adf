import Foundation

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

    /// Holds `order` with `headEventID` as its head (creating the hold or moving its head); a new
    /// generation, no head record kept.
    func hold(order: String, headEventID: String) async throws

    /// The held orders among `orders` with head, generation and times (head records not loaded).
    func holdStates(orders: [String]) async throws -> [String: OrderHold]

    /// Arms `order`'s hold with `head` (its event id and record): a new generation, returned. With
    /// `expecting` nil the hold is created or taken over whatever its generation (dispatch); else
    /// only while its generation is still `expecting` (nil returned: another chain moved it on, or
    /// it was released).
    func arm(order: String, head: ParkedEvent, expecting generation: Int64?) async throws -> Int64?

    /// Takes `order`'s hold over while it is still at `generation`: a new generation (returned), the
    /// head and its record unchanged; nil when another chain or sweep moved it on or it was released.
    func claim(order: String, expecting generation: Int64) async throws -> Int64?

    /// Whether `order` is still held at `generation`; when it is, its `updated` time is refreshed
    /// (a drain step shows the hold is alive, so the sweep leaves it alone).
    func confirm(order: String, generation: Int64) async throws -> Bool

    /// Releases `order` if still held at `generation` and nothing is parked behind it: true when
    /// released, false when events are parked (drain them first), nil when the hold is gone or at
    /// another generation.
    func release(order: String, generation: Int64) async throws -> Bool?

    /// Drops the head record of `order`'s hold at `generation` (its retry record could not be
    /// written) and makes the hold due for the sweep at once.
    func forgetHead(order: String, generation: Int64) async throws

    /// Holds not armed or confirmed since `before`, oldest first, with their head records.
    func staleHolds(updatedBefore before: Date, limit: Int) async throws -> [OrderHold]

    /// When the order held longest was first held (nil: none is held).
    func oldestHoldSince() async throws -> Date?

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
