import DriftlessTesting
import Foundation
import Ledger
import OrderModel
import Pipeline
import Simulators
import XCTest

/// Issue 9, item 9: retention purges audit rows, never the order state translate needs. A late
/// event on an order whose audit trail was purged still meets the order's last state: a
/// cancelled order stays cancelled and its version does not restart.
final class RetentionPurgeTests: XCTestCase {
    func testACancelledOrderStaysCancelledAcrossAPurge() async throws {
        let broker = try TestBroker.mock(brokers: 1)
        let fixture = try await PipelineFixture.start(broker: broker)
        let store = StorefrontStore(seed: 61)
        let (id, created) = await store.createOrder(paid: true)
        let cancelled = try await store.apply(.cancel(reason: "customer"), to: id)
        let deliverer = WebhookDeliverer(targetURL: fixture.webhookURL, secret: PipelineFixture.secret)
        for delivery in created + cancelled {
            let status = await deliverer.attemptOnce(delivery)
            XCTAssertEqual(status, 200)
        }
        let key = OrderKey(channel: .shopify, orderID: String(id)).description
        let ledger = fixture.ledger
        let isCancelled = try await eventually(timeout: .seconds(60)) {
            try await ledger.loadState(order: key, system: "shopify")?.state == CanonicalState.cancelled.rawValue
        }
        XCTAssertTrue(isCancelled)
        let before = try await XCTUnwrapAsync(try await ledger.loadState(order: key, system: "shopify"))

        // Retention with everything older than an hour from now: the whole audit trail goes.
        let purged = try await ledger.purge(olderThan: Date().addingTimeInterval(3600))
        XCTAssertGreaterThan(purged.auditRecords, 0)
        let kept = try await ledger.loadState(order: key, system: "shopify")
        XCTAssertEqual(kept, before, "the order's state survives the purge")

        // The creation webhook arrives again (a replay under a new webhook id): it must not reopen
        // the order as if it were the first event.
        var replay = try XCTUnwrap(created.first)
        replay.webhookID = "replayed-\(replay.webhookID)"
        let status = await deliverer.attemptOnce(replay)
        XCTAssertEqual(status, 200)
        let replayID = replay.webhookID
        let judged = try await eventually(timeout: .seconds(60)) {
            try await fixture.audit().contains { $0.eventID == replayID && $0.stage == StageName.translate.rawValue }
        }
        XCTAssertTrue(judged, "translate saw the replayed event")
        let after = try await XCTUnwrapAsync(try await ledger.loadState(order: key, system: "shopify"))
        XCTAssertEqual(after.state, CanonicalState.cancelled.rawValue, "still cancelled")
        XCTAssertGreaterThanOrEqual(after.version, before.version, "the version did not restart")
        try await fixture.stop()
        try? FileManager.default.removeItem(at: fixture.directory)
    }
}
