import Foundation
import Ledger
import XCTest

extension LedgerConformance {
    /// Parking: an event is parked only while its order is held, in arrival order with its record
    /// intact; a hold is released only when nothing is parked behind it; the head can move.
    func parkingHoldsParksAndReleases() async throws {
        let (ledger, _) = try await open()
        defer { Task { await ledger.close() } }
        let store = try XCTUnwrap(ledger as? any ParkingStore)
        func event(_ id: String, order: String = "shopify:7", offset: Int64) -> ParkedEvent {
            ParkedEvent(
                orderKey: order, eventID: id, value: Array("{\"e\":\"\(id)\",\"nul\":\"\u{0}\"}".utf8),
                headers: [ParkedHeader(name: "dl-event-id", value: id), ParkedHeader(name: "dl-trace-id", value: "t")],
                sourceTopic: "driftless.canonical", sourcePartition: 3, sourceOffset: offset,
                parkedAt: LedgerFixtures.at(Double(offset)))
        }
        let refused = try await store.park(event("e2", offset: 2))
        XCTAssertFalse(refused, "nothing is parked behind an order that is not held")
        try await store.hold(order: "shopify:7", headEventID: "e1")
        let holds = try await store.holds(orders: ["shopify:7", "amazon:1"])
        XCTAssertEqual(holds, ["shopify:7": "e1"])
        for (id, offset) in [("e2", Int64(2)), ("e3", 3), ("e4", 4)] {
            let parked = try await store.park(event(id, offset: offset))
            XCTAssertTrue(parked)
        }
        let released = try await store.release(order: "shopify:7")
        XCTAssertFalse(released, "a hold with events behind it stays")
        let parked = try await store.parked(order: "shopify:7", limit: 2)
        XCTAssertEqual(parked.map(\.eventID), ["e2", "e3"], "oldest first, at most the limit")
        XCTAssertEqual(parked.first?.value, event("e2", offset: 2).value, "the record comes back byte for byte")
        XCTAssertEqual(parked.first?.headers, event("e2", offset: 2).headers)
        XCTAssertEqual(parked.first?.sourcePartition, 3)
        XCTAssertEqual(parked.first?.sourceOffset, 2)
        let counts = try await store.parkingCounts()
        XCTAssertEqual(counts.held, 1)
        XCTAssertEqual(counts.parked, 3)
        // The head moves to e2 (it failed again); it leaves the queue.
        try await store.hold(order: "shopify:7", headEventID: "e2")
        let moved = try await store.holds(orders: ["shopify:7"])
        XCTAssertEqual(moved, ["shopify:7": "e2"])
        for event in try await store.parked(order: "shopify:7", limit: 10) { try await store.unpark(id: event.id) }
        let empty = try await store.parked(order: "shopify:7", limit: 10)
        XCTAssertTrue(empty.isEmpty)
        let releasedNow = try await store.release(order: "shopify:7")
        XCTAssertTrue(releasedNow)
        let after = try await store.holds(orders: ["shopify:7"])
        XCTAssertTrue(after.isEmpty)
        let parkedAfter = try await store.park(event("e5", offset: 5))
        XCTAssertFalse(parkedAfter, "released: the next event is dispatched, not parked")
    }

    /// Parking and releasing race from two tasks: every park that succeeded is either still parked
    /// behind a live hold or was drained — none is left behind a released hold.
    func parkingRacesLeaveNothingBehind() async throws {
        let (ledger, _) = try await open()
        defer { Task { await ledger.close() } }
        let store = try XCTUnwrap(ledger as? any ParkingStore)
        for round in 0..<30 {
            let order = "amazon:race-\(round)"
            try await store.hold(order: order, headEventID: "head")
            async let parking: Bool = store.park(
                ParkedEvent(
                    orderKey: order, eventID: "late", value: [1], headers: [], sourceTopic: "t", sourcePartition: 0,
                    sourceOffset: Int64(round)))
            async let releasing: Bool = store.release(order: order)
            let (parked, released) = try await (parking, releasing)
            let held = try await store.holds(orders: [order])[order] != nil
            let left = try await store.parked(order: order, limit: 10)
            if parked {
                XCTAssertTrue(held, "round \(round): an event was parked, so the hold must remain")
                XCTAssertEqual(left.count, 1)
            } else {
                XCTAssertTrue(released && !held && left.isEmpty, "round \(round): released first, nothing parked")
            }
        }
    }
}

extension LedgerConformance {
    /// Hold generations (migration 7): arming returns a new generation and keeps the head's record;
    /// a compare-and-set with a stale generation changes nothing; confirm, release and forgetting the
    /// head act only at the current generation; the sweep's queries find what is not confirmed.
    func holdGenerationsAreComparedAndSet() async throws {
        let (ledger, _) = try await open()
        defer { Task { await ledger.close() } }
        let store = try XCTUnwrap(ledger as? any ParkingStore)
        let head = ParkedEvent(
            orderKey: "shopify:8", eventID: "h1", value: Array("{\"h\":1}".utf8),
            headers: [ParkedHeader(name: "dl-event-id", value: "h1")], sourceTopic: "driftless.canonical",
            sourcePartition: 2, sourceOffset: 40)
        let noHolds = try await store.oldestHoldSince()
        XCTAssertNil(noHolds)
        let first = try await store.arm(order: "shopify:8", head: head, expecting: nil)
        let g1 = try XCTUnwrap(first)
        let states = try await store.holdStates(orders: ["shopify:8", "shopify:9"])
        XCTAssertEqual(states.keys.sorted(), ["shopify:8"])
        XCTAssertEqual(states["shopify:8"]?.generation, g1)
        XCTAssertEqual(states["shopify:8"]?.headEventID, "h1")
        // Dispatch reading the head again takes the hold over: a new generation.
        let second = try await store.arm(order: "shopify:8", head: head, expecting: nil)
        let g2 = try XCTUnwrap(second)
        XCTAssertGreaterThan(g2, g1)
        let stale = try await store.arm(order: "shopify:8", head: head, expecting: g1)
        XCTAssertNil(stale, "the older chain cannot move the hold")
        let staleConfirm = try await store.confirm(order: "shopify:8", generation: g1)
        XCTAssertFalse(staleConfirm)
        let confirmed = try await store.confirm(order: "shopify:8", generation: g2)
        XCTAssertTrue(confirmed)
        var moved = head
        moved.eventID = "h2"
        let third = try await store.arm(order: "shopify:8", head: moved, expecting: g2)
        let g3 = try XCTUnwrap(third)
        // The sweep sees the hold with its head's record once it is older than asked.
        let none = try await store.staleHolds(updatedBefore: Date().addingTimeInterval(-60), limit: 10)
        XCTAssertTrue(none.isEmpty)
        let found = try await store.staleHolds(updatedBefore: Date().addingTimeInterval(60), limit: 10)
        XCTAssertEqual(found.map(\.headEventID), ["h2"])
        XCTAssertEqual(found.first?.head?.value, head.value, "the head's record is kept byte for byte")
        XCTAssertEqual(found.first?.head?.headers, head.headers)
        XCTAssertEqual(found.first?.head?.sourceOffset, 40)
        // Its retry record could not be written: the head's record is dropped and the hold is due at once.
        try await store.forgetHead(order: "shopify:8", generation: g3)
        let due = try await store.staleHolds(updatedBefore: Date().addingTimeInterval(-3600), limit: 10)
        XCTAssertEqual(due.map(\.generation), [g3])
        XCTAssertNil(due.first?.head)
        let oldest = try await store.oldestHoldSince()
        XCTAssertNotNil(oldest)
        let parked = try await store.park(
            ParkedEvent(
                orderKey: "shopify:8", eventID: "p1", value: [1], headers: [], sourceTopic: "t", sourcePartition: 0,
                sourceOffset: 1))
        XCTAssertTrue(parked)
        let staleRelease = try await store.release(order: "shopify:8", generation: g2)
        XCTAssertNil(staleRelease, "a stale chain cannot release")
        let blocked = try await store.release(order: "shopify:8", generation: g3)
        XCTAssertEqual(blocked, false, "events are parked behind it")
        for event in try await store.parked(order: "shopify:8", limit: 10) { try await store.unpark(id: event.id) }
        let released = try await store.release(order: "shopify:8", generation: g3)
        XCTAssertEqual(released, true)
        let counts = try await store.parkingCounts()
        XCTAssertEqual(counts.held, 0)
    }
}
