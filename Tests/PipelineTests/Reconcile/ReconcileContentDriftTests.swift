import Foundation
import Ledger
import OrderModel
import XCTest

@testable import Pipeline
@testable import Simulators

/// Issue 24, reconciliation compares content: a manual edit on the storefront whose webhooks never
/// reach Driftless (support adds a replacement item) is found as content drift with the difference in
/// the finding, corrected once through the repair path while nothing is shipped — judged by the ERP
/// simulator's lines against the oracle's expectation from the channel's final body — and left as a
/// case once something is shipped.
final class ReconcileContentDriftTests: XCTestCase {
    private let drift = ReconcilePolicy.contentDriftName

    /// The oracle's content verdict for the storefront's final orders against the ERP's records.
    private static func contentCheck(_ rig: ReconcileRepairRig) async throws -> OracleContentChecker.Report {
        let items = try MappingMatrix.default.content.items
        let expectations = try await rig.store.allOrders().map {
            try OracleContentExpectation.shopify(body: try $0.jsonBytes(), items: items)
        }
        return OracleContentChecker.check(expectations, records: await rig.erp.store.allRecords())
    }

    /// The finding's expected differences, computed from the channel's bodies before and after the edit.
    private func expectedDifferences(before: ShopifyOrderDocument, after: ShopifyOrderDocument) -> [String] {
        func quantity(_ order: ShopifyOrderDocument) -> Int {
            order.lineItems.filter { $0.sku == "WS-GRY-OS" }.reduce(0) { $0 + ($1.currentQuantity ?? $1.quantity) }
        }
        return [
            "WS-GRY-OS: channel \(quantity(after)), ERP \(quantity(before))",
            "total \(after.totalPrice) vs \(before.totalPrice)",
        ]
    }

    func testAManualEditWithoutItsWebhookIsFoundAndCorrectedOnce() async throws {
        let rig = try await ReconcileRepairRig.start()
        let edited = try await rig.order([.pay])
        _ = try await rig.order([.pay])
        let (settledReport, settled) = try await rig.settle()
        XCTAssertTrue(settled, settledReport.details())
        let start = try await Self.contentCheck(rig)
        XCTAssertEqual(start.differences, [], start.summary)
        let beforeEdit = await rig.store.order(edited)
        let before = try XCTUnwrap(beforeEdit)
        // Support adds a replacement item; neither orders/edited nor orders/updated reaches Driftless.
        _ = try await rig.store.apply(.addReplacementItem, to: edited)
        let afterEdit = await rig.store.order(edited)
        let after = try XCTUnwrap(afterEdit)
        let stale = try await Self.contentCheck(rig)
        XCTAssertEqual(stale.differences.count, 1, "the ERP lacks the replacement line\n" + stale.summary)
        let writesBefore = await rig.erp.store.appliedWrites

        let first = try await rig.job().run()
        XCTAssertEqual(first.found, 1, first.text)
        XCTAssertEqual(first.classifications[drift]?.found, 1, first.text)
        XCTAssertEqual(first.classifications[drift]?.corrected, 1, first.text)
        let findings = try await rig.findings(first.runID)
        let finding = try XCTUnwrap(findings["shopify:\(edited)"])
        XCTAssertEqual(finding.classification, drift)
        XCTAssertEqual(finding.outcome, "correction-sent")
        for difference in expectedDifferences(before: before, after: after) {
            XCTAssertTrue(finding.evidence.contains(difference), "\(difference) in: \(finding.evidence)")
        }
        let ledger = rig.ledger
        let erpStore = rig.erp.store
        let repaired = try await eventually(timeout: .seconds(60)) {
            let passed = try await Self.contentCheck(rig).passed
            let writes = await erpStore.appliedWrites
            return passed && writes > writesBefore
        }
        let report = try await Self.contentCheck(rig)
        XCTAssertTrue(repaired, "the ERP's lines are the channel's\n" + report.summary)
        let (status, statusSettled) = try await rig.settle()
        XCTAssertTrue(statusSettled && status.passed, status.details())
        let writes = await erpStore.appliedWrites
        XCTAssertEqual(writes - writesBefore, 1, "one write: the sales order's lines")
        let duplicates = await erpStore.duplicateEffects
        XCTAssertEqual(duplicates, 0)

        let second = try await rig.job().run()
        XCTAssertEqual(second.found, 0, second.text)
        XCTAssertEqual(second.repairsConfirmed, 1, second.text)
        let confirmed = try await rig.findings(first.runID)
        XCTAssertEqual(confirmed["shopify:\(edited)"]?.outcome, "corrected")
        let open = try await ledger.cases(CaseQuery(orderKey: "shopify:\(edited)", states: [.open]))
        XCTAssertEqual(open.count, 0, "a correction, not a case")
        let writesAfter = await erpStore.appliedWrites
        XCTAssertEqual(writesAfter, writes, "a run that finds nothing writes nothing")
        try await rig.stop()
    }

    func testAManualEditAfterAShipmentIsACase() async throws {
        let rig = try await ReconcileRepairRig.start()
        let edited = try await rig.order([.pay, .fulfillPartially])
        let (settledReport, settled) = try await rig.settle()
        XCTAssertTrue(settled, settledReport.details())
        let beforeEdit = await rig.store.order(edited)
        let before = try XCTUnwrap(beforeEdit)
        _ = try await rig.store.apply(.addReplacementItem, to: edited)
        let afterEdit = await rig.store.order(edited)
        let after = try XCTUnwrap(afterEdit)

        let run = try await rig.job().run()
        XCTAssertEqual(run.found, 1, run.text)
        XCTAssertEqual(run.classifications[drift]?.flagged, 1, run.text)
        XCTAssertEqual(run.classifications[drift]?.corrected ?? 0, 0, run.text)
        let findings = try await rig.findings(run.runID)
        let finding = try XCTUnwrap(findings["shopify:\(edited)"])
        XCTAssertEqual(finding.action, ReconcileAction.flag.rawValue)
        XCTAssertEqual(finding.outcome, "flagged")
        for difference in expectedDifferences(before: before, after: after) {
            XCTAssertTrue(finding.evidence.contains(difference), "\(difference) in: \(finding.evidence)")
        }
        XCTAssertTrue(finding.evidence.contains("already fulfilled"), finding.evidence)
        let cases = try await rig.ledger.cases(CaseQuery(orderKey: "shopify:\(edited)", states: [.open]))
        XCTAssertEqual(cases.map(\.id), [try XCTUnwrap(finding.caseID)])
        try await rig.stop()
    }

    /// The GraphQL order node, read into a REST-shaped snapshot, carries the same content as the
    /// webhook body of the same order (else every order would look drifted, or a repair would carry
    /// less than the webhooks did).
    func testTheGraphQLSnapshotCarriesTheWebhookBodysContent() async throws {
        let store = StorefrontStore(seed: 24)
        let lives: [[StorefrontAction]] = [
            [], [.pay], [.pay, .fulfillPartially], [.pay, .addReplacementItem, .fulfill, .refund(full: false)],
            [.pay, .cancel(reason: "customer"), .refund(full: true)],
        ]
        var compared = 0
        for _ in 0..<4 {
            for actions in lives {
                let (id, _) = await store.createOrder(paid: false)
                for action in actions { _ = try await store.apply(action, to: id) }
                let current = await store.order(id)
                let order = try XCTUnwrap(current)
                let snapshot = try ShopifyGraphQLOrder.snapshot(of: order.graphQLNode())
                var fromGraphQL = try ShopifyOrderContent.decode(from: snapshot.payload)
                let fromWebhook = try ShopifyOrderContent.decode(from: try order.jsonBytes())
                // The simulator's REST refunds carry no `transactions` (so no refunded amount); the
                // GraphQL refunds do. Everything else must be the same.
                XCTAssertEqual(fromWebhook.refunds.compactMap(\.amount), [])
                for index in fromGraphQL.refunds.indices { fromGraphQL.refunds[index].amount = nil }
                XCTAssertEqual(fromGraphQL, fromWebhook, "order \(id) after \(actions)")
                XCTAssertFalse(fromGraphQL.lines.isEmpty)
                compared += 1
            }
        }
        XCTAssertEqual(compared, 20)
    }

    /// The sales order's lines inline (`{"items": […]}`) or as the simulator's JSON text are read; a
    /// link in their place (a read without `expandSubResources`) leaves them unknown, not empty.
    func testSalesOrderLinesReadInlineOrAsJSONTextAndALinkIsNotEmpty() throws {
        let line = #"{"custcol_driftless_line": "7", "item": {"id": "1106"}, "quantity": 2, "rate": "14.00"}"#
        let inline = try XCTUnwrap(
            ERPSalesOrderLines.read(Data(#"{"item": {"items": [\#(line)]}, "custbody_driftless_total": "30.24"}"#.utf8))
        )
        let text = String(
            decoding: try JSONSerialization.data(withJSONObject: ["items": [["quantity": 2]]]), as: UTF8.self)
        let asText = try XCTUnwrap(
            ERPSalesOrderLines.read(try JSONSerialization.data(withJSONObject: ["item": text])))
        let linked = try XCTUnwrap(ERPSalesOrderLines.read(Data(#"{"item": {"links": []}}"#.utf8)))
        XCTAssertEqual(inline.lines.map(\.quantity), [2])
        XCTAssertEqual(inline.lines.first?.itemID, "1106")
        XCTAssertEqual(inline.lines.first?.lineID, "7")
        XCTAssertEqual(inline.total, Money("30.24"))
        XCTAssertEqual(asText.lines.map(\.quantity), [2])
        XCTAssertTrue(inline.sublistRead && asText.sublistRead)
        XCTAssertFalse(linked.sublistRead)
        XCTAssertNil(ERPSalesOrderLines.read(Data("[]".utf8)))
    }

    /// Amounts the ERP holds rounded to whole units agree within the tolerance; a quantity never does.
    func testDifferencesNameQuantitiesAndToleranceCoversRounding() throws {
        let content = OrderContent(
            stamp: nil,
            lines: [
                OrderLine(id: "1", sku: "A", quantity: 2, unitPrice: Money("12.40")),
                OrderLine(id: "2", sku: "B", quantity: 1, unitPrice: Money("5.30")),
            ], totals: OrderTotals(total: Money("30.10")))
        var mapping = ContentMapping()
        mapping.rounding = 0
        let rounded = ERPSalesOrderLines(
            lines: [
                .init(lineID: "1", itemExternalID: "A", quantity: 2, rate: Money("12"), amount: Money("25")),
                .init(lineID: "2", itemExternalID: "B", quantity: 1, rate: Money("5"), amount: Money("5")),
            ], total: Money("30"))
        XCTAssertEqual(ContentDrift.differences(channel: content, erp: rounded, mapping: mapping), [])
        var short = rounded
        short.lines[0].quantity = 1
        short.lines[0].amount = Money("12")
        short.total = Money("17")
        XCTAssertEqual(
            ContentDrift.differences(channel: content, erp: short, mapping: mapping),
            ["A: channel 2, ERP 1", "lines total 30.10 vs 17.00", "total 30.10 vs 17.00"])
        mapping.rounding = 2
        XCTAssertEqual(
            ContentDrift.differences(channel: content, erp: rounded, mapping: mapping),
            [
                "A price: channel 12.40, ERP 12.00", "B price: channel 5.30, ERP 5.00", "lines total 30.10 vs 30.00",
                "total 30.10 vs 30.00",
            ])
    }
}
