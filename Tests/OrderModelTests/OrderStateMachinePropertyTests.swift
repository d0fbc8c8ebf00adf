import Foundation
import OrderModel
import Simulators
import XCTest

/// Property: for realistic histories (each event a snapshot of the order at its time, so dimensions and
/// facts only move forward), any permutation — with duplicates — ends in the in-order final state.
final class OrderStateMachinePropertyTests: XCTestCase {
    /// A random monotone history of 2–12 snapshots for one order.
    func history(order: Int, rng: inout SeededRandom) -> (events: [ChannelObservation], last: OrderDimensions) {
        let key = OrderKey(channel: .shopify, orderID: "\(order)")
        var dims = OrderDimensions.initial
        var facts = OrderFacts.none
        var time = Date(timeIntervalSince1970: 1_790_000_000 + Double(order) * 10_000)
        var out: [ChannelObservation] = []
        for step in 0..<Int.random(in: 2...12, using: &rng) {
            switch Int.random(in: 0..<7, using: &rng) {
            case 0:
                dims.payment = dims.payment.joined(with: PaymentStatus.allCases.randomElement(using: &rng) ?? .pending)
            case 1:
                dims.fulfillment = dims.fulfillment.joined(
                    with: FulfillmentStatus.allCases.randomElement(using: &rng) ?? .partial)
                if dims.fulfillment != .unfulfilled {
                    facts = facts.merged(with: OrderFacts(trackingNumbers: ["T\(order)-\(step)"]))
                }
            case 2 where Int.random(in: 0..<4, using: &rng) == 0:
                dims.lifecycle = .cancelled
                facts = facts.merged(
                    with: OrderFacts(cancelledAt: time, cancelReason: ["customer", "fraud"].randomElement(using: &rng)))
            case 3: dims.returns = dims.returns.joined(with: ReturnStatus.allCases.randomElement(using: &rng) ?? .none)
            case 4:
                if dims.payment.isCapturedOrLater {
                    facts = facts.merged(with: OrderFacts(captureTransactionIDs: ["ch_\(order)_\(step)"]))
                }
            case 5: break  // an edit that changes no status (orders/updated for a tag)
            default: dims.lifecycle = dims.lifecycle.joined(with: .closed)
            }
            // Sometimes the same timestamp twice (orders/paid + orders/updated), tie broken by event id.
            if Int.random(in: 0..<5, using: &rng) != 0 { time += Double(Int.random(in: 1...3600, using: &rng)) }
            out.append(
                ChannelObservation(
                    key: key, eventID: "wh-\(order)-\(UInt32.random(in: 0...UInt32.max, using: &rng))",
                    kind: "orders/updated",
                    sourceTimestamp: time, version: nil, dimensions: dims, facts: facts))
        }
        // Deliver in source order (ties by event id): that is "in order".
        return (out.sorted { $0.position < $1.position }, dims)
    }

    func testAnyPermutationWithDuplicatesEndsInTheInOrderFinalState() throws {
        var rng = SeededRandom(seed: 0xD21F7_1E55)
        let machine = OrderStateMachine()
        var permutationsChecked = 0
        for order in 0..<400 {
            let (events, last) = history(order: order, rng: &rng)
            let inOrder = machine.run(events)
            let expected = try XCTUnwrap(inOrder.state)
            XCTAssertFalse(inOrder.decisions.contains { if case .illegal = $0 { true } else { false } })
            XCTAssertEqual(expected.dimensions, last, "in-order ends at the last snapshot")
            for _ in 0..<12 {
                var delivered = events.shuffled(using: &rng)
                for _ in 0..<Int.random(in: 0...3, using: &rng) {  // redeliveries, anywhere
                    if let again = events.randomElement(using: &rng) {
                        delivered.insert(again, at: Int.random(in: 0...delivered.count, using: &rng))
                    }
                }
                let run = machine.run(delivered)
                let got = try XCTUnwrap(run.state)
                XCTAssertEqual(got.dimensions, expected.dimensions, "order \(order)")
                XCTAssertEqual(got.canonicalState, expected.canonicalState, "order \(order)")
                XCTAssertEqual(got.facts, expected.facts, "order \(order)")
                XCTAssertEqual(got.position, expected.position, "order \(order)")
                XCTAssertFalse(
                    run.decisions.contains { if case .illegal = $0 { true } else { false } }, "order \(order)")
                permutationsChecked += 1
            }
        }
        XCTAssertEqual(permutationsChecked, 4800)
    }

    func testLateEventsAfterTheFinalStateAreStaleOrDuplicate() throws {
        var rng = SeededRandom(seed: 7)
        let machine = OrderStateMachine()
        for order in 0..<200 {
            let events = history(order: order, rng: &rng).events
            let final = try XCTUnwrap(machine.run(events).state)
            for late in events {
                let decision = machine.decide(current: final, observation: late)
                switch decision {
                case .duplicate, .stale: break
                case .apply(let s, _):
                    XCTAssertEqual(s.dimensions, final.dimensions)
                    XCTAssertEqual(s.facts, final.facts)
                    XCTFail("a replayed event of a final state must not apply: \(decision)")
                case .illegal: XCTFail("\(decision)")
                }
            }
        }
    }
}
