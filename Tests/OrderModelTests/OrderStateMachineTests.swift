import Foundation
import OrderModel
import XCTest

final class OrderStateMachineTests: XCTestCase {
    let machine = OrderStateMachine()
    let key = OrderKey(channel: .shopify, orderID: "42")

    func obs(
        _ id: String, _ time: String, _ dims: OrderDimensions, facts: OrderFacts = .none,
        version: Int64? = nil
    ) -> ChannelObservation {
        ChannelObservation(
            key: key, eventID: id, kind: "orders/updated", sourceTimestamp: ts(time), version: version,
            dimensions: dims, facts: facts)
    }

    func testFirstObservationApplies() {
        let decision = machine.decide(
            current: nil, observation: obs("e1", "2026-11-20T10:00:00Z", .init(payment: .captured)))
        guard case .apply(let state, let from) = decision else { return XCTFail("\(decision)") }
        XCTAssertNil(from)
        XCTAssertEqual(state.canonicalState, .paymentCaptured)
        XCTAssertEqual(state.lastEventID, "e1")
        XCTAssertTrue(decision.changesState)
    }

    func testLatePaidAfterShippedIsStaleAndNeverRegresses() throws {
        let shipped = obs("e2", "2026-11-21T10:00:00Z", .init(payment: .captured, fulfillment: .fulfilled))
        let paid = obs("e1", "2026-11-20T10:00:00Z", .init(payment: .captured))
        let state = try XCTUnwrap(machine.decide(current: nil, observation: shipped).newState)
        let decision = machine.decide(current: state, observation: paid)
        guard case .stale(let reason) = decision else { return XCTFail("\(decision)") }
        XCTAssertTrue(reason.contains("fulfillment: fulfilled → unfulfilled"), reason)
        XCTAssertEqual(state.canonicalState, .shipped)
    }

    func testDuplicateEventIDIsDuplicate() throws {
        let e = obs("e1", "2026-11-20T10:00:00Z", .init(payment: .captured))
        let state = try XCTUnwrap(machine.decide(current: nil, observation: e).newState)
        XCTAssertEqual(machine.decide(current: state, observation: e), .duplicate)
    }

    func testUndoingACancellationIsIllegalAndChangesNothing() throws {
        let cancelled = obs(
            "e2", "2026-11-21T10:00:00Z", .init(payment: .voided, lifecycle: .cancelled),
            facts: OrderFacts(cancelledAt: ts("2026-11-21T10:00:00Z"), cancelReason: "customer"))
        let state = try XCTUnwrap(machine.decide(current: nil, observation: cancelled).newState)
        let reopened = obs("e3", "2026-11-22T10:00:00Z", .init(payment: .captured))
        let decision = machine.decide(current: state, observation: reopened)
        guard case .illegal(let reason) = decision else { return XCTFail("\(decision)") }
        XCTAssertTrue(reason.contains("undoing a cancellation"), reason)
        XCTAssertNil(decision.newState)
        // An older open observation is just late, not an undo.
        let older = obs("e1", "2026-11-20T10:00:00Z", .init(payment: .authorized))
        guard case .stale = machine.decide(current: state, observation: older) else { return XCTFail() }
    }

    func testSameSecondUpdateAndCancellationJoinWhateverTheEventIDs() throws {
        let cancel = obs("a-cancel", "2026-11-21T10:00:00Z", .init(payment: .voided, lifecycle: .cancelled))
        let update = obs("z-update", "2026-11-21T10:00:00Z", .init(payment: .authorized))
        for events in [[cancel, update], [update, cancel]] {
            let (state, decisions) = machine.run(events)
            XCTAssertEqual(state?.canonicalState, .cancelled)
            XCTAssertFalse(decisions.contains { $0.name == "illegal" }, "\(decisions)")
            XCTAssertEqual(state?.lastEventID, "z-update")
        }
    }

    func testCancellationAfterShipmentApplies() throws {
        let shipped = obs("e1", "2026-11-20T10:00:00Z", .init(payment: .captured, fulfillment: .fulfilled))
        let cancel = obs(
            "e2", "2026-11-21T10:00:00Z", .init(payment: .refunded, fulfillment: .fulfilled, lifecycle: .cancelled))
        let (state, decisions) = machine.run([shipped, cancel])
        XCTAssertEqual(decisions.map(\.name), ["apply", "apply"])
        XCTAssertEqual(state?.canonicalState, .cancelled)
        XCTAssertFalse(try XCTUnwrap(state).dimensions.allowsFulfilmentRelease)
    }

    func testPartialFulfilmentAndPartialRefundsProgress() {
        let events = [
            obs("e1", "2026-11-20T10:00:00Z", .init(payment: .captured)),
            obs(
                "e2", "2026-11-20T11:00:00Z", .init(payment: .captured, fulfillment: .partial),
                facts: OrderFacts(trackingNumbers: ["T1"])),
            obs(
                "e3", "2026-11-20T12:00:00Z", .init(payment: .captured, fulfillment: .fulfilled),
                facts: OrderFacts(trackingNumbers: ["T1", "T2"])),
            obs("e4", "2026-11-20T13:00:00Z", .init(payment: .partiallyRefunded, fulfillment: .fulfilled)),
            obs("e5", "2026-11-20T14:00:00Z", .init(payment: .refunded, fulfillment: .fulfilled)),
        ]
        let (state, decisions) = machine.run(events)
        XCTAssertEqual(
            decisions.compactMap { $0.newState?.canonicalState },
            [.paymentCaptured, .partiallyShipped, .shipped, .partiallyRefunded, .refunded])
        XCTAssertEqual(state?.facts.trackingNumbers, ["T1", "T2"])
    }

    func testOlderObservationWithNewFactsMergesWithoutMovingPosition() throws {
        let newer = obs("e2", "2026-11-21T10:00:00Z", .init(payment: .captured, fulfillment: .fulfilled))
        let older = obs(
            "e1", "2026-11-20T10:00:00Z", .init(payment: .captured),
            facts: OrderFacts(captureTransactionIDs: ["ch_1"]))
        let state = try XCTUnwrap(machine.decide(current: nil, observation: newer).newState)
        let decision = machine.decide(current: state, observation: older)
        let merged = try XCTUnwrap(decision.newState)
        XCTAssertEqual(merged.facts.captureTransactionIDs, ["ch_1"])
        XCTAssertEqual(merged.dimensions, state.dimensions)
        XCTAssertEqual(merged.position, state.position)
        XCTAssertTrue(decision.changesState)
        XCTAssertFalse(decision.changesCanonicalState)
    }

    func testNewerObservationWithoutChangesOnlyAdvancesPosition() throws {
        let a = obs("e1", "2026-11-20T10:00:00Z", .init(payment: .captured))
        let b = obs("e2", "2026-11-20T10:05:00Z", .init(payment: .captured))
        let state = try XCTUnwrap(machine.decide(current: nil, observation: a).newState)
        let decision = machine.decide(current: state, observation: b)
        XCTAssertEqual(decision.newState?.lastEventID, "e2")
        XCTAssertFalse(decision.changesState)
    }

    func testVersionBreaksTimestampTies() throws {
        let v2 = obs("b", "2026-11-20T10:00:00Z", .init(payment: .captured), version: 2)
        let v1 = obs("z", "2026-11-20T10:00:00Z", .init(payment: .authorized), version: 1)
        let state = try XCTUnwrap(machine.decide(current: nil, observation: v2).newState)
        guard case .stale = machine.decide(current: state, observation: v1) else { return XCTFail() }
    }

    func testObservationOfAnotherOrderIsIllegal() throws {
        let state = try XCTUnwrap(
            machine.decide(current: nil, observation: obs("e1", "2026-11-20T10:00:00Z", .init())).newState)
        var other = obs("e2", "2026-11-21T10:00:00Z", .init())
        other.key = OrderKey(channel: .shopify, orderID: "43")
        guard case .illegal = machine.decide(current: state, observation: other) else { return XCTFail() }
    }

    func testAppliedEventLogIsBoundedAndStateRoundTripsThroughJSON() throws {
        var events: [ChannelObservation] = []
        for i in 0..<100 {
            events.append(
                obs(
                    "e\(i)", RFC3339.format(ts("2026-11-20T10:00:00Z").addingTimeInterval(Double(i))),
                    .init(payment: .captured)))
        }
        let state = try XCTUnwrap(machine.run(events).state)
        XCTAssertEqual(state.appliedEventIDs.count, OrderState.appliedEventLimit)
        XCTAssertEqual(state.appliedEventIDs.last, "e99")
        let data = try JSONEncoder().encode(state)
        XCTAssertEqual(try JSONDecoder().decode(OrderState.self, from: data), state)
    }
}
