import Foundation
import Kafka
import OrderModel
import Pipeline
import Simulators
import XCTest

/// Issue 24 against the ERP simulator (strict about content): Shopify bodies go through validate's
/// decoder, the state machine's merge, the planner and ``ERPSync``; the ERP's records are then
/// compared with expectations read from the channel's bodies themselves.
final class WholeOrderDispatchTests: XCTestCase {
    func testSalesOrderCarriesTheBodysCustomerLinesAmountsAndAddresses() async throws {
        let rig = try await WholeOrderRig.start()
        defer { Task { await rig.stop() } }
        let guest = WholeOrderBodies.order(
            id: 7001, updatedAt: "2026-12-01T10:00:00Z", customerID: nil, email: "Guest@Example.com",
            lines: [("70011", "CT-NAT", 3, "29.00", "5.00"), ("70012", "IB750-SAG", 1, "34.00", "0.00")],
            financial: "paid", captures: [("ch_7001", "115.44")])
        let returning = WholeOrderBodies.order(
            id: 7002, updatedAt: "2026-12-01T10:00:00Z", customerID: 6042, email: "kwame@example.com",
            lines: [("70021", "TR2-BLK-42", 1, "129.00", "12.90")], financial: "paid", captures: [("ch_7002", "140.00")]
        )
        for body in [guest, returning] {
            try await rig.deliver(body, topic: "orders/create")
            let salesOrder = try await rig.salesOrder(of: body)
            try WholeOrderBodies.assertSalesOrder(salesOrder, matches: body, mapping: rig.mapping)
            let deposits = await rig.erp.simulator.store.records(.customerDeposit, createdFrom: salesOrder.id)
            let capture = try XCTUnwrap((body["transactions"] as? [[String: Any]])?.first)
            XCTAssertEqual(deposits.map { $0.fields["payment"] }, [capture["amount"] as? String])
        }
    }

    func testSplitShipmentsFulfilExactlyTheShippedLines() async throws {
        let rig = try await WholeOrderRig.start()
        defer { Task { await rig.stop() } }
        let lines = [("80011", "MCS-CHR-M", 2, "89.00", "0.00"), ("80012", "CT-NAT", 1, "29.00", "0.00")]
        var body = WholeOrderBodies.order(
            id: 8001, updatedAt: "2026-12-01T10:00:00Z", customerID: 6001, email: "a@example.com", lines: lines,
            financial: "paid")
        try await rig.deliver(body, topic: "orders/create")
        body = WholeOrderBodies.order(
            id: 8001, updatedAt: "2026-12-01T11:00:00Z", customerID: 6001, email: "a@example.com", lines: lines,
            financial: "paid", fulfillmentStatus: "partial", fulfillments: [("f1", "1ZA", [("80011", 1)])])
        try await rig.deliver(body, topic: "orders/partially_fulfilled")
        body = WholeOrderBodies.order(
            id: 8001, updatedAt: "2026-12-01T12:00:00Z", customerID: 6001, email: "a@example.com", lines: lines,
            financial: "paid", fulfillmentStatus: "fulfilled",
            fulfillments: [("f1", "1ZA", [("80011", 1)]), ("f2", "1ZB", [("80011", 1), ("80012", 1)])])
        try await rig.deliver(body, topic: "orders/fulfilled")

        let salesOrder = try await rig.salesOrder(of: body)
        let fulfilments = await rig.erp.simulator.store.records(.itemFulfillment, createdFrom: salesOrder.id)
        XCTAssertEqual(fulfilments.count, 2)
        for shipment in body["fulfillments"] as? [[String: Any]] ?? [] {
            let tracking = try XCTUnwrap((shipment["tracking_numbers"] as? [String])?.first)
            let record = try XCTUnwrap(fulfilments.first { $0.packageTrackingNumbers == [tracking] }, tracking)
            let shipped = WholeOrderBodies.lineQuantities(record.fields["item"])
            let expected = (shipment["line_items"] as? [[String: Any]] ?? []).map {
                WholeOrderBodies.LineQuantity(id: "\($0["id"] ?? "")", quantity: ($0["quantity"] as? Int) ?? -1)
            }
            XCTAssertEqual(shipped, expected, tracking)
        }
        // The ERP refuses a shipment beyond the ordered quantity (its own rule, not the client's).
        let over = try await rig.rawFulfilment(salesOrder: salesOrder.id, lines: [("80012", 2)])
        XCTAssertEqual(over, 400)
    }

    func testEditBeforeFulfilmentChangesTheERPLinesOnce() async throws {
        let rig = try await WholeOrderRig.start()
        defer { Task { await rig.stop() } }
        let original = [("90011", "RS-NVY-L", 1, "159.00", "0.00")]
        try await rig.deliver(
            WholeOrderBodies.order(
                id: 9001, updatedAt: "2026-12-01T10:00:00Z", customerID: 6003, email: "m@example.com", lines: original,
                financial: "paid"), topic: "orders/create")
        // Support adds a replacement item: `orders/edited`, then the `orders/updated` body showing it.
        let edit = WholeOrderBodies.edit(
            id: 501, orderID: 9001, committedAt: "2026-12-01T10:30:00Z", added: [("90012", 1)])
        let afterEdit = try await rig.deliver(edit, topic: "orders/edited")
        XCTAssertEqual(afterEdit.effects, [], "an added line no body describes yet waits for the body")
        let edited = WholeOrderBodies.order(
            id: 9001, updatedAt: "2026-12-01T10:30:01Z", customerID: 6003, email: "m@example.com",
            lines: original + [("90012", "WS-GRY-OS", 1, "0.00", "0.00")], financial: "paid")
        let plan = try await rig.deliver(edited, topic: "orders/updated")
        XCTAssertEqual(plan.effects.map(\.kind), [.salesOrderLines])
        let salesOrder = try await rig.salesOrder(of: edited)
        try WholeOrderBodies.assertSalesOrder(salesOrder, matches: edited, mapping: rig.mapping)
        // The same edit again (a redelivery, a replay): nothing more.
        let again = try await rig.redispatch(OrderKey(channel: .shopify, orderID: "9001"))
        XCTAssertEqual(again.effects, [])
        XCTAssertEqual(rig.appliedLineEdits, 1)
    }

    func testEditAfterFulfilmentIsACaseNotAWrite() async throws {
        let rig = try await WholeOrderRig.start()
        defer { Task { await rig.stop() } }
        let lines = [("91011", "CT-NAT", 2, "29.00", "0.00")]
        try await rig.deliver(
            WholeOrderBodies.order(
                id: 9101, updatedAt: "2026-12-01T10:00:00Z", customerID: 6004, email: "t@example.com", lines: lines,
                financial: "paid", fulfillmentStatus: "partial", fulfillments: [("f1", "1ZC", [("91011", 1)])]),
            topic: "orders/partially_fulfilled")
        let before = try await rig.salesOrder(of: ["id": 9101])
        let edited = WholeOrderBodies.order(
            id: 9101, updatedAt: "2026-12-01T11:00:00Z", customerID: 6004, email: "t@example.com",
            lines: lines + [("91012", "IB750-SAG", 1, "34.00", "0.00")], financial: "paid",
            fulfillmentStatus: "partial", fulfillments: [("f1", "1ZC", [("91011", 1)])])
        let plan = try await rig.deliver(edited, topic: "orders/updated")
        XCTAssertFalse(plan.effects.contains { $0.kind == .salesOrderLines })
        XCTAssertNotNil(plan.review)
        let after = try await rig.salesOrder(of: edited)
        XCTAssertEqual(after.fields["item"], before.fields["item"], "the ERP's lines are left for the reviewer")
    }

    func testUnknownSKUIsQuarantinedThenAcceptedAfterTheMappingFix() async throws {
        let rig = try await WholeOrderRig.start()
        defer { Task { await rig.stop() } }
        let body = WholeOrderBodies.order(
            id: 9201, updatedAt: "2026-12-01T10:00:00Z", customerID: 6005, email: "u@example.com",
            lines: [("92011", "NEW-SKU-1", 1, "10.00", "0.00")], financial: "paid")
        do {
            try await rig.deliver(body, topic: "orders/create")
            XCTFail("an unmapped SKU was accepted")
        } catch let rejection as StageRejection {
            XCTAssertEqual(rejection.code, "unmapped-sku")
            XCTAssertTrue(rejection.description.contains("NEW-SKU-1"), rejection.description)
        }
        let absent = await rig.erp.simulator.store.find(.salesOrder, id: "eid:so-shopify-9201")
        XCTAssertNil(absent)
        // The mapping is fixed; the same record goes through again (what `dlq replay` does).
        let yaml = try XCTUnwrap(MappingMatrix.defaultYAML).replacingOccurrences(
            of: "    CT-NAT: \"1103\"\n", with: "    CT-NAT: \"1103\"\n    NEW-SKU-1: \"1999\"\n")
        try rig.use(try MappingMatrix.load(yaml: yaml, fileName: "fixed.yaml"))
        try await rig.deliver(body, topic: "orders/create")
        let salesOrder = try await rig.salesOrder(of: body)
        XCTAssertEqual(WholeOrderBodies.itemIDs(salesOrder.fields["item"]), ["1999"])
    }
}
