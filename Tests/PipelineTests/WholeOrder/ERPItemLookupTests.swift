import DriftlessTesting
import Foundation
import Kafka
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// Issue 24 item 2: a SKU missing from `content.items` is looked up in the ERP by `itemid` or
/// `externalid` through SuiteQL (one query per dispatch batch, answers cached, "no such item"
/// expiring); only a SKU found in neither quarantines with `unmapped-sku`.
final class ERPItemLookupTests: XCTestCase {
    static let itemQuery = "suiteql SELECT id, itemid, externalid FROM item WHERE itemid IN (…) OR externalid IN (…)"

    /// Forty orders, each with a mapped SKU, a SKU that is an ERP item's `itemid` and one that is an
    /// item's `externalid`, plus one order with a SKU found nowhere, through the dispatch stage.
    func testERPItemsAreFoundWithOneQueryForTheBatchAndAnUnknownSKUIsQuarantined() async throws {
        let rig = try await DispatchRig.start(name: "item-lookup", partitions: 3)
        await rig.erp.store.setRequiresOrderContent(true)
        await rig.erp.store.addItems([
            ERPItem(id: "5501", itemID: "ERP-ONLY-1"),
            ERPItem(id: "5502", itemID: "Gift card", externalID: "EXT-ONLY-2"),
        ])
        let matrix = try MappingMatrix.default
        var bodies: [[String: Any]] = []
        for index in 0..<40 {
            let id = Int64(7300 + index)
            bodies.append(
                WholeOrderBodies.order(
                    id: id, updatedAt: "2026-12-01T10:00:00Z", customerID: 6100 + id, email: "o\(id)@example.com",
                    lines: [
                        ("\(id)1", "CT-NAT", 1, "29.00", "0.00"), ("\(id)2", "ERP-ONLY-1", 2, "15.50", "1.00"),
                        ("\(id)3", "EXT-ONLY-2", 1, "25.00", "0.00"),
                    ], financial: "paid"))
        }
        let unknown = WholeOrderBodies.order(
            id: 7399, updatedAt: "2026-12-01T10:00:00Z", customerID: 6199, email: "u@example.com",
            lines: [("73991", "NOWHERE-9", 1, "10.00", "0.00")], financial: "paid")
        try await rig.publish(try bodies.map { try Self.canonical($0, matrix: matrix) })
        let stage = try rig.stage()
        let running = Task { await stage.run() }
        defer { Task { await rig.finish() } }
        let first = bodies.count
        let consumedFirst = await eventually { stage.counters.snapshot.consumed >= first }
        XCTAssertTrue(consumedFirst, "consumed \(stage.counters.snapshot.consumed)")
        // However the 40 orders were cut into batches, the first one asked for both SKUs; the rest hit the cache.
        XCTAssertEqual(rig.erp.requestKinds[Self.itemQuery], 1, "one item query for 40 orders: \(rig.erp.requestKinds)")
        try await rig.publish([try Self.canonical(unknown, matrix: matrix)])
        let consumedAll = await eventually { stage.counters.snapshot.consumed >= first + 1 }
        stage.stop()
        await running.value
        XCTAssertTrue(consumedAll, "consumed \(stage.counters.snapshot.consumed)")
        XCTAssertEqual(rig.erp.requestKinds[Self.itemQuery], 2, "the new SKU's batch asked once more")

        let itemIDs = [
            "CT-NAT": try XCTUnwrap(matrix.content.items["CT-NAT"]), "ERP-ONLY-1": "5501", "EXT-ONLY-2": "5502",
        ]
        for body in bodies {
            let eid = ERPEffect.externalID("so", "shopify", "\(body["id"] ?? "")")
            let salesOrder = try await XCTUnwrapAsync(await rig.erp.store.find(.salesOrder, id: "eid:\(eid)"))
            let expected = (body["line_items"] as? [[String: Any]] ?? []).compactMap {
                ($0["sku"] as? String).flatMap { itemIDs[$0] }
            }
            XCTAssertEqual(WholeOrderBodies.itemIDs(salesOrder.fields["item"]), expected, eid)
        }
        let absent = await rig.erp.store.find(.salesOrder, id: "eid:so-shopify-7399")
        XCTAssertNil(absent)
        XCTAssertEqual(stage.counters.snapshot.quarantined, 1)
        let quarantined = try await readAll(rig.rig.broker, topic: rig.topics.quarantine, count: 1)
        let reason = HeaderMap(try XCTUnwrap(quarantined.first).headers)[EnvelopeHeader.reason] ?? ""
        XCTAssertTrue(reason.hasPrefix("unmapped-sku: sku=NOWHERE-9"), reason)
    }

    /// An unknown SKU is quarantined; once the item exists in the ERP the same record passes when the
    /// cached "no such item" has expired, or at once when the case is replayed.
    func testAnUnknownSKUPassesAfterTheItemIsCreatedOnceTheNegativeAnswerExpiresOrTheCaseIsReplayed() async throws {
        let rig = try await WholeOrderRig.start()
        defer { Task { await rig.stop() } }
        let later = WholeOrderBodies.order(
            id: 7401, updatedAt: "2026-12-01T10:00:00Z", customerID: 6401, email: "l@example.com",
            lines: [("74011", "LATER-1", 2, "12.00", "0.00")], financial: "paid")
        try await assertUnmapped(rig, later, sku: "LATER-1")
        await rig.erp.simulator.store.addItems([ERPItem(id: "5601", itemID: "LATER-1")])
        // The negative answer is still fresh: no new query, still quarantined.
        try await assertUnmapped(rig, later, sku: "LATER-1")
        XCTAssertEqual(rig.erp.simulator.requestKinds[Self.itemQuery], 1)
        rig.itemClock.advance(by: rig.mapping.itemLookupNegativeTTLSeconds + 1)
        try await rig.deliver(later, topic: "orders/create")
        let salesOrder = try await rig.salesOrder(of: later)
        XCTAssertEqual(WholeOrderBodies.itemIDs(salesOrder.fields["item"]), ["5601"])
        XCTAssertEqual(rig.erp.simulator.requestKinds[Self.itemQuery], 2)

        // A replayed case asks again whatever the cache says.
        let replayed = WholeOrderBodies.order(
            id: 7402, updatedAt: "2026-12-01T10:00:00Z", customerID: 6402, email: "r@example.com",
            lines: [("74021", "LATER-2", 1, "8.00", "0.00")], financial: "paid")
        try await assertUnmapped(rig, replayed, sku: "LATER-2")
        await rig.erp.simulator.store.addItems([ERPItem(id: "5602", itemID: "Later two", externalID: "LATER-2")])
        let bytes = Array(try JSONSerialization.data(withJSONObject: replayed, options: [.sortedKeys]))
        let envelope = Envelope(eventID: "webhook-replayed", channel: .shopify, orderID: "7402", kind: "orders/create")
        let message = KafkaMessage(
            topic: "t.ingest.raw", partition: 0, offset: 99, key: Array("shopify:7402".utf8), value: bytes,
            headers: envelope.headers + [KafkaHeader(key: EnvelopeHeader.caseID, string: "17")])
        try await rig.deliver(message: message)
        let replayedOrder = try await rig.salesOrder(of: replayed)
        XCTAssertEqual(WholeOrderBodies.itemIDs(replayedOrder.fields["item"]), ["5602"])
    }

    private func assertUnmapped(
        _ rig: WholeOrderRig, _ body: [String: Any], sku: String, file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        do {
            try await rig.deliver(body, topic: "orders/create")
            XCTFail("an unknown SKU was accepted", file: file, line: line)
        } catch let rejection as StageRejection {
            XCTAssertEqual(rejection.code, "unmapped-sku", file: file, line: line)
            XCTAssertTrue(rejection.description.contains(sku), rejection.description, file: file, line: line)
        }
        let absent = await rig.erp.simulator.store.find(.salesOrder, id: "eid:so-shopify-\(body["id"] ?? "")")
        XCTAssertNil(absent, file: file, line: line)
    }

    /// The canonical event translate makes of a Shopify `orders/create` body (a new order).
    static func canonical(_ body: [String: Any], matrix: MappingMatrix) throws -> CanonicalEvent {
        let bytes = Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
        let observation = try ChannelTranslator(matrix: matrix).translate(
            channel: .shopify, payload: bytes, eventID: "create-\(body["id"] ?? "")", kind: "orders/create")
        let state = try XCTUnwrap(OrderStateMachine().decide(current: nil, observation: observation).newState)
        return CanonicalEvent(
            eventID: CanonicalEvent.eventID(orderKey: observation.key, sourceEventID: observation.eventID),
            orderKey: observation.key, channel: .shopify, orderID: observation.key.orderID,
            sourceEventID: observation.eventID, sourceKind: "orders/create",
            sourceTimestamp: observation.sourceTimestamp,
            previousState: nil, state: state.canonicalState, previousDimensions: nil, dimensions: state.dimensions,
            facts: state.facts, erpTarget: matrix.erpTarget(for: state.canonicalState), version: 1,
            mappingVersion: matrix.version, traceID: "trace-\(body["id"] ?? "")")
    }
}
