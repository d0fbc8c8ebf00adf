import OrderModel
import XCTest

/// Issue 24: an edit before any fulfilment updates the sales order's lines once; after a fulfilment
/// it is a case for review (the ERP cannot un-ship).
final class ERPEffectPlannerEditTests: XCTestCase {
    private let key = OrderKey(channel: .shopify, orderID: "77")

    private func content(quantity: Int) -> OrderContent {
        OrderContent(
            stamp: ContentStamp(ts("2026-12-01T10:00:00Z")), name: "#1077",
            customer: OrderCustomer(id: "5", email: "c@example.com"),
            lines: [OrderLine(id: "1", sku: "CT-NAT", quantity: quantity, unitPrice: Money(cents: 2900))])
    }

    private func plan(_ content: OrderContent, view: ERPView?) -> ERPEffectPlanner.Plan {
        ERPEffectPlanner.plan(
            orderKey: key, version: 3, target: ERPTarget(status: .pendingFulfillment, action: .salesOrderApproved),
            dimensions: OrderDimensions(payment: .authorized), facts: OrderFacts(content: content), erp: view)
    }

    func testEditBeforeFulfilmentUpdatesLinesOnce() throws {
        let original = content(quantity: 1)
        // The sales order is created with the original lines: every effect carries the content.
        let create = plan(original, view: nil)
        XCTAssertEqual(create.effects.first?.kind, .salesOrderStatus)
        XCTAssertEqual(create.effects.first?.content, original)
        var view = create.effects.reduce(nil as ERPView?) { ERPView.applying($1, to: $0, salesOrderID: "500") }
        XCTAssertEqual(view?.linesDigest, original.linesDigest)
        XCTAssertEqual(plan(original, view: view).effects, [])

        let edited = content(quantity: 2)
        let first = plan(edited, view: view)
        XCTAssertEqual(first.effects.map(\.kind), [.salesOrderLines])
        XCTAssertEqual(first.effects.first?.id, "\(key)#salesOrderLines#\(edited.linesDigest)")
        XCTAssertNil(first.review)
        view = first.effects.reduce(view) { ERPView.applying($1, to: $0, salesOrderID: "500") }
        // Once written, the same edit plans nothing more.
        XCTAssertEqual(plan(edited, view: view).effects, [])
    }

    func testEditAfterFulfilmentIsAReviewNotAWrite() throws {
        var view = ERPView(salesOrderID: "500", status: .partiallyFulfilled, dimensions: OrderDimensions())
        view.linesDigest = content(quantity: 1).linesDigest
        view.records = [.itemFulfillment]
        view.trackingNumbers = ["1Z1"]
        view.appliedVersion = 3
        let decided = plan(content(quantity: 2), view: view)
        XCTAssertFalse(decided.effects.contains { $0.kind == .salesOrderLines })
        let review = try XCTUnwrap(decided.review)
        XCTAssertTrue(review.contains("after the ERP fulfilled"), review)
    }

    func testIncompleteContentWaitsForTheBody() {
        var pending = content(quantity: 1)
        pending = pending.merged(
            with: OrderContent(
                edit: OrderEdit(
                    id: "e", committedAt: ContentStamp(ts("2026-12-01T11:00:00Z")),
                    additions: [OrderLineQuantity(lineID: "9", quantity: 1)], removals: [])))
        var view = ERPView(salesOrderID: "500", status: .pendingFulfillment, dimensions: OrderDimensions())
        view.linesDigest = content(quantity: 1).linesDigest
        view.appliedVersion = 3
        let decided = plan(pending, view: view)
        XCTAssertEqual(decided.effects, [])
        XCTAssertNil(decided.review)
    }

    /// A sales order written without lines (content unknown then) gets them once the content is
    /// complete, while nothing is shipped; once something is, nothing is compared.
    func testSalesOrderWithoutLinesGetsThemUnlessFulfilled() {
        var view = ERPView(salesOrderID: "500", status: .pendingFulfillment, dimensions: OrderDimensions())
        view.appliedVersion = 3
        XCTAssertEqual(plan(content(quantity: 1), view: view).effects.map(\.kind), [.salesOrderLines])
        view.records = [.itemFulfillment]
        view.trackingNumbers = ["1Z1"]
        let shipped = plan(content(quantity: 1), view: view)
        XCTAssertEqual(shipped.effects, [])
        XCTAssertNil(shipped.review)
    }
}
