import DriftlessTesting
import Foundation
import Kafka
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// Issue 24 item 2 in the retry stage: an event written again from a retry tier (or parked behind
/// one) gets the SKU check dispatch makes — SKUs missing from `content.items` looked up in the ERP
/// (through the retry client's item cache), found items written by internal id, a SKU found
/// nowhere quarantined with `unmapped-sku`.
final class RetryItemLookupTests: XCTestCase {
    /// While the ERP refuses every request dispatch cannot look SKUs up (nor write): both orders go
    /// to the first tier, the second order's later event parked behind it. Once the ERP is back the
    /// retry stage finds the ERP-only SKU and writes its internal id, and quarantines both events of
    /// the order whose SKU exists nowhere (the head from the tier, the parked one while draining).
    func testARetriedEventLooksItsSKUsUpAndAnUnknownSKUIsQuarantined() async throws {
        let rig = try await DispatchRig.start(name: "retry-item-lookup", partitions: 2)
        await rig.erp.store.setRequiresOrderContent(true)
        await rig.erp.store.addItems([ERPItem(id: "5701", itemID: "RETRY-ONLY-1")])
        let matrix = try MappingMatrix.default
        let known = WholeOrderBodies.order(
            id: 7501, updatedAt: "2026-12-01T10:00:00Z", customerID: 6501, email: "k@example.com",
            lines: [("75011", "CT-NAT", 1, "29.00", "0.00"), ("75012", "RETRY-ONLY-1", 3, "11.25", "0.00")],
            financial: "paid")
        let nowhere = WholeOrderBodies.order(
            id: 7502, updatedAt: "2026-12-01T10:00:00Z", customerID: 6502, email: "n@example.com",
            lines: [("75021", "NOWHERE-R", 1, "10.00", "0.00")], financial: "paid")
        let events = [
            try ERPItemLookupTests.canonical(known, matrix: matrix),
            try ERPItemLookupTests.canonical(nowhere, matrix: matrix),
            try Self.later(ERPItemLookupTests.canonical(nowhere, matrix: matrix)),
        ]
        var policy = DispatchRig.fastPolicy
        policy.maxAttempts = 1
        policy.breakerConsecutiveFailures = 1_000
        policy.breakerWindow = 1_000_000  // never fills: this test is about the tiers, not the breaker
        rig.erp.faults.update { $0.unavailableRatio = 1 }
        try await rig.publish(events)
        let dispatch = try rig.stage(policy: policy)
        let dispatching = Task { await dispatch.run() }
        let routed = await eventually { dispatch.counters.snapshot.consumed >= events.count }
        XCTAssertTrue(routed, "dispatch consumed \(dispatch.counters.snapshot.consumed)")
        XCTAssertEqual(dispatch.counters.snapshot.retried, 2, "each order's first event went to a tier")
        XCTAssertEqual(dispatch.counters.snapshot.parked, 1, "the second order's later event waits behind it")
        XCTAssertEqual(dispatch.counters.snapshot.quarantined, 0, "dispatch could not look the SKUs up")
        rig.erp.faults.update { $0.unavailableRatio = 0 }

        let retry = try rig.retryStage(policy: policy)
        let retrying = Task { await retry.run() }
        let parking = try rig.parking()
        let released = await eventually(timeout: .seconds(60)) {
            (try? await parking.parkingCounts()).map { $0.held == 0 && $0.parked == 0 } ?? false
        }
        retry.stop()
        dispatch.stop()
        for run in [retrying, dispatching] { await run.value }
        XCTAssertTrue(released, "both orders released")

        let salesOrder = try await XCTUnwrapAsync(await rig.erp.store.find(.salesOrder, id: "eid:so-shopify-7501"))
        let natural = try XCTUnwrap(matrix.content.items["CT-NAT"])
        XCTAssertEqual(WholeOrderBodies.itemIDs(salesOrder.fields["item"]), [natural, "5701"])
        let absent = await rig.erp.store.find(.salesOrder, id: "eid:so-shopify-7502")
        XCTAssertNil(absent, "an order naming a SKU found nowhere is not written")
        XCTAssertEqual(retry.counters.snapshot.quarantined, 2, "the tier's head and the event parked behind it")
        XCTAssertEqual(retry.counters.snapshot.deadLettered, 0)
        let quarantined = try await readAll(rig.rig.broker, topic: rig.topics.quarantine, count: 2)
        XCTAssertEqual(quarantined.count, 2)
        for record in quarantined {
            let headers = HeaderMap(record.headers)
            XCTAssertEqual(headers[EnvelopeHeader.orderID], "7502")
            let reason = headers[EnvelopeHeader.reason] ?? ""
            XCTAssertTrue(reason.hasPrefix("unmapped-sku: sku=NOWHERE-R"), reason)
        }
        // One query per retry batch (the two heads may come in one batch or two); the parked event
        // was answered from the cache.
        let queries = rig.erp.requestKinds[ERPItemLookupTests.itemQuery] ?? 0
        XCTAssertTrue((1...2).contains(queries), "item queries: \(rig.erp.requestKinds)")
        await rig.finish()
    }

    /// `event` observed again later (a new event of the same order, its version one more).
    static func later(_ event: CanonicalEvent) -> CanonicalEvent {
        var later = event
        later.sourceEventID = event.sourceEventID + "-later"
        later.eventID = CanonicalEvent.eventID(orderKey: event.orderKey, sourceEventID: later.sourceEventID)
        later.previousState = event.state
        later.previousDimensions = event.dimensions
        later.version = event.version + 1
        return later
    }
}
