import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Pipeline
import Simulators
import XCTest

/// Issue 9, item 5: webhook answers never wait on the ledger. The Kafka acknowledgement is the
/// durability promise; audit rows that do not fit the writer's buffer are dropped and counted.
final class LedgerTroubleTests: XCTestCase {
    func testWebhooksAreAnsweredWhileAnotherProcessLocksTheLedger() async throws {
        let broker = try TestBroker.mock(brokers: 1)
        let fixture = try await PipelineFixture.start(broker: broker, stages: [.ingest]) {
            $0.auditBufferRecords = 4
        }
        let store = StorefrontStore(seed: 41)
        var deliveries: [WebhookDelivery] = []
        for _ in 0..<20 { deliveries.append(await store.createOrder(paid: true).webhooks[0]) }
        // Shopify's timing: an answer later than 5 s is a failed delivery (attemptOnce gives nil).
        let deliverer = WebhookDeliverer(
            targetURL: fixture.webhookURL, secret: PipelineFixture.secret, policy: .compressed)

        let holder = try SQLiteLockHolder(
            path: fixture.directory.appendingPathComponent("ledger.db").path, seconds: 120)
        for delivery in deliveries {
            let status = await deliverer.attemptOnce(delivery)
            XCTAssertEqual(status, 200, "answered within Shopify's 5 s while the ledger is locked")
        }
        let locked = await fixture.runtime.auditStatistics
        XCTAssertEqual(locked.dropped, 16, "4 rows fit the buffer, the other 16 were dropped and counted")
        XCTAssertEqual(locked.written, 0, "nothing reached the locked ledger")

        // Every acknowledged webhook is on Kafka, whatever the ledger did.
        let onKafka = try await readAll(broker, topic: fixture.topics.ingestRaw, count: deliveries.count)
        let eventIDs = onKafka.compactMap { try? Envelope(headers: $0.headers).eventID }
        XCTAssertEqual(Set(eventIDs), Set(deliveries.map(\.webhookID)))

        holder.release()
        let written = await eventually(timeout: .seconds(30)) {
            (try? await fixture.audit([.received]).count) == 4
        }
        XCTAssertTrue(written, "the buffered rows are written once the lock goes")
        try await fixture.stop()
        try? FileManager.default.removeItem(at: fixture.directory)
    }
}
