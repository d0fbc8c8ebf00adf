import Foundation
import OrderModel
import Pipeline
import Simulators
import XCTest

/// Issue 23, "SuiteQL should cut the reads": the views of many orders come from two SuiteQL queries
/// per hundred orders, and each order's view holds exactly what was written for it — its status,
/// deposits, fulfilments with their tracking numbers, return authorization and the credit memos
/// made from it — however the orders share a query.
final class ERPSyncViewsTests: XCTestCase {
    func testManyOrdersViewsComeFromTwoQueriesPerHundredOrdersEachHoldingItsOwnRecords() async throws {
        let testERP = try await TestERP.start(auth: .bearer)
        let sync = try testERP.sync()
        let seeded = 130
        var keys: [OrderKey] = []
        for index in 0..<seeded {
            let key = OrderKey(channel: .shopify, orderID: String(7000 + index))
            keys.append(key)
            let (dimensions, facts) = Self.order(index)
            let target = try XCTUnwrap(MappingMatrix.default.erpTarget(for: dimensions.canonicalState))
            let plan = ERPEffectPlanner.plan(
                orderKey: key, version: 1, target: target, dimensions: dimensions, facts: facts, erp: nil)
            var salesOrderID: String?
            for effect in plan.effects {
                let (outcome, id) = await sync.apply(effect, salesOrderID: salesOrderID)
                guard case .done = outcome else { return XCTFail("seeding \(effect.id): \(outcome)") }
                salesOrderID = id ?? salesOrderID
            }
        }
        // Orders the ERP has never heard of, between the others.
        for index in 0..<20 { keys.insert(OrderKey(channel: .amazon, orderID: "111-\(index)"), at: index * 7) }
        let readsBefore = testERP.simulator.requestKinds["read"] ?? 0
        guard case .success(let views) = await sync.views(of: keys) else { return XCTFail("the views were not read") }
        let reads = (testERP.simulator.requestKinds["read"] ?? 0) - readsBefore
        XCTAssertEqual(reads, 4, "150 orders: two batches, a sales-order query and a related-records query each")
        XCTAssertEqual(views.count, seeded, "the orders never written have no view")
        for index in 0..<seeded {
            let key = OrderKey(channel: .shopify, orderID: String(7000 + index))
            let view = try XCTUnwrap(views[key], "\(key)")
            let (dimensions, facts) = Self.order(index)
            XCTAssertEqual(view.channelKey, key)
            XCTAssertEqual(view.paymentReferences, facts.captureTransactionIDs, "\(key)")
            XCTAssertEqual(Set(view.trackingNumbers), Set(facts.trackingNumbers), "\(key)")
            XCTAssertEqual(view.creditMemoIDs, facts.refundIDs, "\(key)")
            XCTAssertEqual(view.returnAuthorizationID != nil, !facts.refundIDs.isEmpty, "\(key)")
            XCTAssertEqual(view.appliedVersion, 1, "\(key)")
            // NetSuite derives the status: F once the fulfilments ship every line, else the orderStatus.
            let status: ERPStatusCode =
                dimensions.fulfillment == .fulfilled
                ? .pendingBilling : dimensions.payment == .pending ? .pendingApproval : .pendingFulfillment
            XCTAssertEqual(view.status, status, "\(key)")
            // The single-order read gives the same view.
            guard case .found(let single) = await sync.view(of: key) else { return XCTFail("\(key) not found") }
            XCTAssertEqual(single, view, "\(key)")
        }
        await testERP.stop()
    }

    /// Order `index`'s channel state: unpaid, paid, shipped in two parcels, or shipped and partly
    /// refunded twice (a return authorization with two credit memos).
    static func order(_ index: Int) -> (OrderDimensions, OrderFacts) {
        let capture = ["ch_\(index)"]
        switch index % 4 {
        case 0: return (OrderDimensions(), OrderFacts())
        case 1: return (OrderDimensions(payment: .captured), OrderFacts(captureTransactionIDs: capture))
        case 2:
            return (
                OrderDimensions(payment: .captured, fulfillment: .fulfilled),
                OrderFacts(trackingNumbers: ["1Z\(index)A", "1Z\(index)B"], captureTransactionIDs: capture)
            )
        default:
            return (
                OrderDimensions(payment: .partiallyRefunded, fulfillment: .fulfilled),
                OrderFacts(
                    trackingNumbers: ["1Z\(index)A"], captureTransactionIDs: capture,
                    refundIDs: ["re_\(index)_1", "re_\(index)_2"])
            )
        }
    }
}
