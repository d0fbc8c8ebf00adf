import Foundation
import OrderModel
import Pipeline
import Simulators
import XCTest

/// Plan → apply → read back against the ERP simulator with transient faults: every effect lands
/// once, replays change nothing, and the planner sees what is already there.
final class ERPSyncTests: XCTestCase {
    func testEffectsLandExactlyOnceThroughFaultsAndReplays() async throws {
        // TBA: every attempt through the faults is signed anew (fresh nonce and timestamp).
        let testERP = try await TestERP.start(auth: .tba, faults: ERPFaults(seed: 7))
        let erp = testERP.simulator
        erp.faults.update {
            $0.unavailableRatio = 0.2
            $0.throttledRatio = 0.05
            $0.retryAfterSeconds = 0
        }
        let sync = try testERP.sync(maxConcurrentRequests: 4)

        /// Applies the plan of one canonical change, retrying transient outcomes (bounded, in place).
        func dispatch(
            _ key: OrderKey, version: Int64, target: ERPTarget, dimensions: OrderDimensions, facts: OrderFacts
        )
            async throws -> ERPEffectPlanner.Plan
        {
            var view: ERPView?
            for attempt in 0... {
                switch await sync.view(of: key) {
                case .found(let found): view = found
                case .absent: view = nil
                case .failed(let outcome):
                    guard case .transient = outcome, attempt < 50 else { throw SyncFailure.view("\(outcome)") }
                    continue
                }
                break
            }
            let plan = ERPEffectPlanner.plan(
                orderKey: key, version: version, target: target, dimensions: dimensions, facts: facts, erp: view)
            var salesOrderID = view?.salesOrderID
            for effect in plan.effects {
                for attempt in 0... {
                    let (outcome, id) = await sync.apply(effect, salesOrderID: salesOrderID)
                    salesOrderID = id ?? salesOrderID
                    if case .done = outcome { break }
                    guard case .transient = outcome, attempt < 50 else {
                        XCTFail("\(effect): \(outcome)")
                        break
                    }
                }
            }
            return plan
        }

        var expectedRecords = 0
        for index in 0..<30 {
            let key = OrderKey(channel: .shopify, orderID: String(5000 + index))
            var facts = OrderFacts()
            facts.captureTransactionIDs = ["ch_\(index)"]
            let paid = OrderDimensions(payment: .captured)
            let approve = ERPTarget(status: .pendingFulfillment, action: .invoiceOrDepositCreated)
            let first = try await dispatch(key, version: 2, target: approve, dimensions: paid, facts: facts)
            XCTAssertEqual(first.effects.map(\.kind), [.salesOrderStatus, .payment])
            facts.trackingNumbers = ["1Z\(index)A", "1Z\(index)B"]
            let shipped = OrderDimensions(payment: .captured, fulfillment: .fulfilled)
            let fulfil = ERPTarget(status: .pendingBilling, action: .itemFulfillmentCreated)
            let second = try await dispatch(key, version: 3, target: fulfil, dimensions: shipped, facts: facts)
            // F is not written: the order stays approved (B) and NetSuite derives F from the fulfilments.
            XCTAssertEqual(second.effects.map(\.kind), [.fulfilment, .fulfilment])
            // A replay of both changes (redelivery after a crash, another replica): nothing left to do.
            let replayFirst = try await dispatch(key, version: 2, target: approve, dimensions: paid, facts: facts)
            XCTAssertTrue(
                replayFirst.effects.isEmpty, "an older change never moves the status back: \(replayFirst.effects)")
            let replaySecond = try await dispatch(key, version: 3, target: fulfil, dimensions: shipped, facts: facts)
            XCTAssertTrue(replaySecond.effects.isEmpty, "\(replaySecond.effects)")
            expectedRecords += 1 + 1 + 2
        }
        let records = await erp.store.allRecords()
        XCTAssertEqual(records.count, expectedRecords, "one sales order, one deposit, two fulfilments per order")
        let duplicates = await erp.store.duplicateEffects
        XCTAssertEqual(duplicates, 0)
        let deposits = records.filter { $0.type == .customerDeposit }
        XCTAssertEqual(
            Set(deposits.compactMap { $0.fields[NetSuiteFields.paymentReference] }), Set((0..<30).map { "ch_\($0)" }))
        XCTAssertEqual(Set(deposits.compactMap(\.salesOrder)).count, 30, "each deposit refers to its sales order")
        let fulfilments = records.filter { $0.type == .itemFulfillment }
        XCTAssertTrue(fulfilments.allSatisfy { $0.createdFrom != nil && $0.packageTrackingNumbers.count == 1 })
        XCTAssertGreaterThan(erp.statusCounts[503] ?? 0, 10, "the faults were really there")
        let final = records.filter { $0.type == .salesOrder }.compactMap(\.status?.id)
        XCTAssertEqual(Set(final), ["F"], "every order ends at the status its fulfilments give it")
        await erp.stop()
    }
}

enum SyncFailure: Error {
    case view(String)
}
