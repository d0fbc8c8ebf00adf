import Foundation
import Ledger
import OrderModel
import XCTest

@testable import Pipeline
@testable import Simulators

/// Issue 24: replaying a content-drift case re-checks the content, not only the statuses. A manual
/// edit after a shipment is flagged (the ERP cannot un-ship); replaying the case leaves it open while
/// the ERP's lines differ from the channel's, and resolves it once they match (corrected by hand).
final class ContentCaseReplayTests: XCTestCase {
    func testAContentDriftCaseStaysOpenWhileLinesDifferAndClosesOnceTheyMatch() async throws {
        let rig = try await ReconcileRepairRig.start()
        let edited = try await rig.order([.pay, .fulfillPartially])
        let (settledReport, settled) = try await rig.settle()
        XCTAssertTrue(settled, settledReport.details())
        // Support adds a replacement item; no webhook reaches Driftless.
        _ = try await rig.store.apply(.addReplacementItem, to: edited)
        let run = try await rig.job().run()
        XCTAssertEqual(run.classifications[ReconcilePolicy.contentDriftName]?.flagged, 1, run.text)
        let key = "shopify:\(edited)"
        let flagged = try await rig.ledger.cases(CaseQuery(orderKey: key, states: [.open]))
        let value = try XCTUnwrap(flagged.first)

        let stats = ReconcileAPIStats()
        let reader = try ShopifyOrdersReader(
            configuration: ShopifyAdminConfiguration(
                baseURL: rig.storefront.server.baseURL, accessToken: Secret("shpat_test")),
            stats: stats)
        let client = try ERPClient(configuration: rig.erpConfiguration)
        let erpReader = ERPViewReader(sync: ERPSync(client: client), stats: stats)
        let check = ReconcileCaseCheck(channels: [reader], erp: erpReader, matrix: try MappingMatrix.default)
        let sent = RecordingSink(producer: rig.producer)
        let replayer = CaseReplayer(
            cases: rig.ledger, ledger: rig.ledger, sink: sent, topics: rig.fixture.topics, actor: "ops",
            reconcile: check)

        // The statuses agree, the lines do not: the replay leaves the case open and sends nothing.
        let first = await replayer.replay([value])
        guard case .failed(let why) = first.results.first?.result else { return XCTFail("\(first.results)") }
        XCTAssertTrue(why.contains("content still differs"), why)
        XCTAssertTrue(why.contains("WS-GRY-OS"), why)
        let stillOpen = try await rig.ledger.cases(CaseQuery(ids: [value.id]))
        XCTAssertEqual(stillOpen.first?.state, .open)
        XCTAssertEqual(sent.records.count, 0)

        // Someone corrects the sales order's lines by hand, from the channel's final order.
        let current = await rig.store.order(edited)
        let order = try XCTUnwrap(current)
        let items = try MappingMatrix.default.content.items
        var lines: [[String: Any]] = []
        for line in order.lineItems {
            let quantity = line.currentQuantity ?? line.quantity
            guard quantity > 0 else { continue }
            let discount =
                line.discountAllocations.map { $0.reduce(0) { $0 + WholeOrderBodies.cents($1.amount) } }
                ?? WholeOrderBodies.cents(line.totalDiscount)
            let amount = WholeOrderBodies.cents(line.price) * quantity - discount
            lines.append([
                "custcol_driftless_line": "\(line.id)", "item": ["id": try XCTUnwrap(items[line.sku])],
                "quantity": quantity, "rate": line.price, "amount": Self.decimal(amount),
            ])
        }
        guard
            case .found(let view) = await ERPSync(client: client).view(
                of: OrderKey(channel: .shopify, orderID: "\(edited)"))
        else { return XCTFail("no sales order") }
        let body = try JSONSerialization.data(withJSONObject: [
            "item": ["items": lines], "custbody_driftless_total": order.totalPrice,
        ])
        let patched = await client.update("salesOrder", id: view.salesOrderID, body: body)
        guard case .done = patched else { return XCTFail("\(patched)") }

        let second = await replayer.replay([value])
        XCTAssertEqual(second.results.map(\.result), [.resolvedInSync])
        let resolved = try await rig.ledger.cases(CaseQuery(ids: [value.id]))
        XCTAssertEqual(resolved.first?.state, .resolved)
        XCTAssertEqual(sent.records.count, 0, "nothing to send for an order in sync")
        try await rig.stop()
    }

    private static func decimal(_ cents: Int) -> String {
        (cents < 0 ? "-" : "") + "\(abs(cents) / 100)." + String(format: "%02d", abs(cents) % 100)
    }
}
