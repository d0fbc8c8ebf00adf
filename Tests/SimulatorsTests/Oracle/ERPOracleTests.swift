import Foundation
import OrderModel
import Simulators
import XCTest

/// The oracle on hand-written order bodies, with literal expectations (nothing computed by the product).
final class ERPOracleTests: XCTestCase {
    private func shopify(_ json: String) throws -> OracleExpectation {
        try ERPOracle.expectation(shopifyBody: Array(json.utf8))
    }

    func testShippedThenPartlyRefundedNeedsFulfilmentsDepositAndCreditMemo() throws {
        let expectation = try shopify(
            """
            {"id": 5600000000001, "financial_status": "partially_refunded", "fulfillment_status": "fulfilled",
             "cancelled_at": null, "closed_at": null,
             "transactions": [
               {"id": 11, "kind": "authorization", "status": "success", "authorization": "pi_1"},
               {"id": 12, "kind": "capture", "status": "success", "authorization": "ch_1"},
               {"id": 13, "kind": "capture", "status": "failure", "authorization": "ch_failed"},
               {"id": 14, "kind": "sale", "status": "success", "authorization": ""}],
             "fulfillments": [
               {"id": 1, "status": "success", "tracking_numbers": ["1Z1", "1Z2"], "tracking_number": "1Z1"},
               {"id": 2, "status": "cancelled", "tracking_numbers": ["1Zgone"]},
               {"id": 3, "status": "success", "tracking_number": "1Z3"}],
             "refunds": [{"id": 900, "refund_line_items": [{"restock_type": "no_restock"}]}]}
            """)
        XCTAssertEqual(expectation.orderKey, "shopify:5600000000001")
        XCTAssertEqual(expectation.salesOrderExternalID, "so-shopify-5600000000001")
        XCTAssertEqual(expectation.status, "F", "fulfilled; NetSuite bills nothing the integration did not")
        XCTAssertEqual(
            expectation.effects.map(\.description),
            [
                "salesOrder", "customerDeposit 14", "customerDeposit ch_1", "itemFulfillment 1Z1",
                "itemFulfillment 1Z2",
                "itemFulfillment 1Z3", "returnAuthorization", "creditMemo 900",
            ])
    }

    func testCancelledOrderNeedsNoFulfilmentButItsRefund() throws {
        let expectation = try shopify(
            """
            {"id": "77", "financial_status": "refunded", "fulfillment_status": "fulfilled",
             "cancelled_at": "2026-12-01T10:00:00Z", "cancel_reason": "customer", "closed_at": "2026-12-01T10:00:00Z",
             "transactions": [{"id": 1, "kind": "capture", "status": "success", "authorization": "ch_77"}],
             "fulfillments": [{"id": 1, "status": "success", "tracking_numbers": ["1Z77"]}],
             "refunds": [{"id": 5}]}
            """)
        XCTAssertEqual(expectation.status, "C")
        XCTAssertEqual(
            expectation.effects.map(\.description),
            ["salesOrder", "customerDeposit ch_77", "returnAuthorization", "creditMemo 5"],
            "a credit memo is transformed from a return authorization")
    }

    func testReturnStartedNeedsReturnAuthorization() throws {
        let requested = try shopify(
            """
            {"id": 8, "financial_status": "paid", "fulfillment_status": "fulfilled", "return_status": "RETURN_REQUESTED",
             "fulfillments": [{"id": 1, "status": "success", "tracking_number": "1Z8"}]}
            """)
        XCTAssertEqual(requested.status, "F")
        XCTAssertEqual(
            requested.effects.map(\.description), ["salesOrder", "itemFulfillment 1Z8", "returnAuthorization"])
        let restocked = try shopify(
            """
            {"id": 9, "financial_status": "partially_refunded", "fulfillment_status": "fulfilled",
             "refunds": [{"id": 3, "refund_line_items": [{"restock_type": "return"}]}]}
            """)
        XCTAssertEqual(restocked.effects.map(\.description), ["salesOrder", "returnAuthorization", "creditMemo 3"])
        let none = try shopify(#"{"id": 10, "financial_status": "paid", "return_status": "NO_RETURN"}"#)
        XCTAssertEqual(none.status, "B")
        XCTAssertEqual(none.effects.map(\.description), ["salesOrder"])
    }

    func testStatusTable() {
        func status(
            _ financial: String, _ fulfillment: String? = nil, cancelled: Bool = false, closed: Bool = false,
            returned: Bool = false, shipped: Bool? = nil
        ) -> String? {
            ERPOracle.shopifyStatus(
                financialStatus: financial, fulfillmentStatus: fulfillment, cancelled: cancelled, closed: closed,
                returnStarted: returned, fulfilled: shipped ?? (fulfillment != nil))
        }
        XCTAssertEqual(status("pending"), "A")
        XCTAssertEqual(status("voided"), "A")
        XCTAssertEqual(status("expired"), "A")
        XCTAssertEqual(status("authorized"), "B")
        XCTAssertEqual(status("partially_paid"), "B")
        XCTAssertEqual(status("paid"), "B")
        XCTAssertEqual(status("paid", "partial"), "D")
        XCTAssertEqual(status("paid", "fulfilled"), "F")
        XCTAssertEqual(status("paid", "fulfilled", closed: true), "H")
        XCTAssertEqual(status("paid", "fulfilled", shipped: false), "B", "no tracking numbers: nothing fulfilled")
        XCTAssertEqual(status("paid", "fulfilled", returned: true), "F")
        XCTAssertEqual(status("partially_refunded", "fulfilled"), "F")
        XCTAssertEqual(status("partially_refunded"), "B")
        XCTAssertEqual(status("refunded", "fulfilled"), "H")
        XCTAssertEqual(status("refunded", cancelled: true), "C")
        XCTAssertEqual(status("voided", cancelled: true), "C")
        XCTAssertNil(status("under_review"))
        XCTAssertEqual(
            ERPOracle.shopifyStatus(
                financialStatus: "under_review", fulfillmentStatus: nil, cancelled: false, closed: false,
                returnStarted: false, extraFinancialStatuses: ["under_review": "B"]), "B")
        XCTAssertEqual(ERPOracle.amazonStatus("Pending"), "A")
        XCTAssertEqual(ERPOracle.amazonStatus("Unshipped"), "B")
        XCTAssertEqual(ERPOracle.amazonStatus("PartiallyShipped"), "B", "no tracking numbers, no fulfilments")
        XCTAssertEqual(ERPOracle.amazonStatus("Shipped"), "B")
        XCTAssertEqual(ERPOracle.amazonStatus("Canceled"), "C")
        XCTAssertNil(ERPOracle.amazonStatus("Lost"))
    }

    func testAmazonShippedOrderNeedsDepositByOrderID() throws {
        let shipped = try ERPOracle.expectation(
            amazonBody: Array(#"{"AmazonOrderId": "113-1234567-7654321", "OrderStatus": "Shipped"}"#.utf8))
        XCTAssertEqual(shipped.orderKey, "amazon:113-1234567-7654321")
        XCTAssertEqual(shipped.salesOrderExternalID, "so-amazon-113_2d1234567_2d7654321")
        XCTAssertEqual(shipped.status, "B")
        XCTAssertEqual(shipped.effects.map(\.description), ["salesOrder", "customerDeposit 113-1234567-7654321"])
        let unshipped = try ERPOracle.expectation(
            amazonBody: Array(#"{"AmazonOrderId": "113-1", "OrderStatus": "Unshipped"}"#.utf8))
        XCTAssertEqual(unshipped.status, "B")
        XCTAssertEqual(unshipped.effects.map(\.description), ["salesOrder"])
    }

    func testUnreadableBodiesAreErrors() {
        XCTAssertThrowsError(try shopify("[1]"))
        XCTAssertThrowsError(try shopify(#"{"financial_status": "paid"}"#))
        XCTAssertThrowsError(try shopify("{"))
    }

    // MARK: The checker

    private func record(
        _ id: String, _ type: ERPRecordType, eid: String? = nil, from parent: String? = nil,
        salesOrder: String? = nil, status: String? = nil, tracking: [String] = [], _ fields: [String: String] = [:]
    ) -> ERPRecord {
        ERPRecord(
            id: id, type: type, externalId: eid, createdFrom: parent, salesOrder: salesOrder,
            packageTrackingNumbers: tracking, status: status.map { ERPStatus(id: $0, refName: $0) }, fields: fields,
            lastModifiedDate: Date())
    }

    private static let payment = "custbody_driftless_payment_ref"
    private static let refund = "custbody_driftless_refund_id"

    func testCheckerCountsPresentLostDuplicatedExtraAndWrongStatus() throws {
        let first = try shopify(
            """
            {"id": 1, "financial_status": "partially_refunded", "fulfillment_status": "fulfilled",
             "transactions": [{"id": 1, "kind": "capture", "status": "success", "authorization": "ch_1"}],
             "fulfillments": [{"id": 1, "status": "success", "tracking_numbers": ["T1", "T2"]}],
             "refunds": [{"id": 50}]}
            """)
        let second = try shopify(#"{"id": 2, "financial_status": "paid", "fulfillment_status": null}"#)
        let third = try shopify(#"{"id": 3, "financial_status": "pending"}"#)
        // In NetSuite's terms: deposits by `salesOrder`, fulfilments transformed from the order with
        // tracking on their package lines, credit memos transformed from the return authorization.
        let records = [
            record("10", .salesOrder, eid: "so-shopify-1", status: "D"),
            record("11", .customerDeposit, eid: "x", salesOrder: "10", [Self.payment: "ch_1"]),
            record("12", .itemFulfillment, eid: "y", from: "10", tracking: ["T1"]),
            record("16", .returnAuthorization, from: "10"),
            record("13", .creditMemo, from: "16", [Self.refund: "50"]),
            record("14", .creditMemo, from: "16", [Self.refund: "50"]),
            record("15", .invoice, from: "10"),
            record("20", .salesOrder, eid: "so-shopify-2", status: "B"),
            record("21", .customerDeposit, salesOrder: "20", [Self.payment: "ch_other"]),
            record("30", .salesOrder, eid: "so-shopify-999", status: "A"),
            record("31", .returnAuthorization, from: "30"),
        ]
        let report = OracleChecker.check([first, second, third], records: records)
        XCTAssertEqual(report.orders.map(\.orderKey), ["shopify:1", "shopify:2", "shopify:3"])
        XCTAssertEqual(report.expectedEffects, 6 + 1 + 1)
        XCTAssertEqual(report.presentOnce, 4 + 1)
        XCTAssertEqual(report.lostList, ["shopify:1: itemFulfillment T2", "shopify:3: salesOrder"])
        XCTAssertEqual(report.duplicatedList, ["shopify:1: creditMemo 50 ×2"])
        XCTAssertEqual(
            report.extraList,
            [
                "shopify:1: invoice (#15)", "shopify:2: customerDeposit ch_other (#21)",
                "salesOrder (eid:so-shopify-999)", "returnAuthorization (#31, of sales order 30)",
            ])
        XCTAssertEqual(report.wrongStatusList, ["shopify:1: ERP D, expected F"])
        XCTAssertEqual(report.lost, 2)
        XCTAssertEqual(report.duplicated, 1)
        XCTAssertEqual(report.extra, 4)
        XCTAssertEqual(report.wrongStatus, 1)
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.erpRecords, 11)
    }

    func testCheckerPassesExactlyTheExpectedRecords() throws {
        let order = try shopify(
            """
            {"id": 4, "financial_status": "paid", "fulfillment_status": "partial",
             "fulfillments": [{"id": 1, "status": "success", "tracking_numbers": ["T4"]}]}
            """)
        let report = OracleChecker.check(
            [order],
            records: [
                record("1", .salesOrder, eid: "so-shopify-4", status: "D"),
                record("2", .itemFulfillment, from: "1", tracking: ["T4"]),
            ])
        XCTAssertTrue(report.passed, report.details())
        XCTAssertEqual(report.presentOnce, 2)
        XCTAssertEqual(
            report.summary,
            "1 orders, 2 expected effects: 2 exactly once, 0 lost, 0 duplicated, 0 extra, 0 wrong status (2 ERP records)"
        )
    }
}
