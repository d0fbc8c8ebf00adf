import AsyncHTTPClient
import DriftlessTesting
import Foundation
import Kafka
import Ledger
import NIOCore
import OrderModel
import Pipeline
import Simulators
import XCTest

/// The webhook endpoint against a real pipeline on the mock cluster: signatures, bad requests,
/// quarantine of malformed and unmapped payloads, and that the process keeps serving.
final class WebhookIngestTests: XCTestCase {
    func testSignaturesBadRequestsAndQuarantineWhileServing() async throws {
        let broker = try TestBroker.mock()
        let fixture = try await PipelineFixture.start(broker: broker) { $0.maxBodyBytes = 64 * 1024 }
        let store = StorefrontStore(seed: 1)
        let (id, created) = await store.createOrder(paid: true)
        let unknown = try await store.apply(.setFinancialStatus("on_hold_for_review"), to: id)
        let good = created[0]
        let unmapped = unknown[0]
        let deliverer = WebhookDeliverer(targetURL: fixture.webhookURL, secret: PipelineFixture.secret)

        // Wrong secret and missing signature: 401, nothing produced.
        let forged = WebhookDeliverer(targetURL: fixture.webhookURL, secret: "not-the-secret")
        let forgedStatus = await forged.attemptOnce(good)
        XCTAssertEqual(forgedStatus, 401)
        let tampered = await deliverer.attemptOnce(
            good, signatureOverride: WebhookSigner(secret: PipelineFixture.secret).signature(for: Array("{}".utf8)))
        XCTAssertEqual(tampered, 401)
        let missing = try await post(fixture.webhookURL, body: good.body, headers: ["X-Shopify-Topic": "orders/create"])
        XCTAssertEqual(missing, 401)

        // Signed but missing a required header: 400. Too large: 413.
        let signature = WebhookSigner(secret: PipelineFixture.secret).signature(for: good.body)
        let noID = try await post(
            fixture.webhookURL, body: good.body,
            headers: [
                "X-Shopify-Hmac-Sha256": signature, "X-Shopify-Topic": "orders/create",
                "X-Shopify-Shop-Domain": "x.myshopify.com",
            ])
        XCTAssertEqual(noID, 400)
        let huge = try await post(
            fixture.webhookURL, body: Array(repeating: UInt8(ascii: "x"), count: 100_000), headers: [:])
        XCTAssertEqual(huge, 413)

        // Signed with the previous secret (rotation): accepted. Then the good one, a duplicate,
        // a malformed body and an unmapped status.
        var rotated = good
        rotated.webhookID = "rotated-" + good.webhookID
        let previous = WebhookDeliverer(targetURL: fixture.webhookURL, secret: PipelineFixture.previousSecret)
        let rotatedStatus = await previous.attemptOnce(rotated)
        XCTAssertEqual(rotatedStatus, 200)
        let firstStatus = await deliverer.attemptOnce(good)
        XCTAssertEqual(firstStatus, 200)
        let againStatus = await deliverer.attemptOnce(good)
        XCTAssertEqual(againStatus, 200, "a redelivery is acknowledged")
        var malformed = good
        malformed.webhookID = "malformed-1"
        malformed.body = Array(#"{"id": 12, "financial_status": "paid", "updated_at": "yesterday""#.utf8)
        let malformedStatus = await deliverer.attemptOnce(malformed)
        XCTAssertEqual(malformedStatus, 200, "a signed body is accepted and judged by validate")
        let unmappedStatus = await deliverer.attemptOnce(unmapped)
        XCTAssertEqual(unmappedStatus, 200)
        // A signed webhook of a topic whose body is not an order: quarantined for its topic.
        var refund = good
        refund.webhookID = "refund-1"
        refund.topic = "refunds/create"
        refund.body = Array(
            #"{"id": 77, "order_id": \#(id), "created_at": "2026-11-20T10:00:00Z", "refund_line_items": []}"#.utf8)
        let refundStatus = await deliverer.attemptOnce(refund)
        XCTAssertEqual(refundStatus, 200)

        // Raw topic: exactly the four accepted records (no forged or duplicate ones).
        let raw = try await readAll(broker, topic: fixture.topics.ingestRaw, count: 5)
        XCTAssertEqual(
            raw.map { HeaderMap($0.headers)[EnvelopeHeader.eventID] ?? "" }.sorted(),
            [rotated.webhookID, good.webhookID, malformed.webhookID, unmapped.webhookID, refund.webhookID].sorted())
        let envelope = try Envelope(
            headers: raw.first { HeaderMap($0.headers)[EnvelopeHeader.eventID] == good.webhookID }?.headers ?? [])
        XCTAssertEqual(envelope.channel, .shopify)
        XCTAssertEqual(envelope.orderID, String(id))
        XCTAssertEqual(envelope.kind, "orders/create")

        // Quarantine: the malformed body, the unmapped status and the refund, with reason and provenance.
        let quarantined = try await readAll(broker, topic: fixture.topics.quarantine, count: 3)
        let reasons = quarantined.map { HeaderMap($0.headers)[EnvelopeHeader.reason] ?? "" }.sorted()
        XCTAssertEqual(reasons.count, 3)
        XCTAssertTrue(reasons.contains { $0.hasPrefix("unsupported-topic: refunds/create") }, "\(reasons)")
        XCTAssertTrue(reasons.contains { $0.hasPrefix("malformed-payload:") }, "\(reasons)")
        XCTAssertTrue(
            reasons.contains { $0.hasPrefix("unmapped-status:") && $0.contains("on_hold_for_review") }, "\(reasons)")
        for record in quarantined {
            let headers = HeaderMap(record.headers)
            XCTAssertEqual(headers[EnvelopeHeader.stage], "validate")
            XCTAssertEqual(headers[EnvelopeHeader.originalTopic], fixture.topics.ingestRaw)
            XCTAssertNotNil(headers[EnvelopeHeader.originalPartition].flatMap { Int32($0) })
            XCTAssertNotNil(headers[EnvelopeHeader.originalOffset].flatMap { Int64($0) })
        }

        // Still serving, and the valid order reached its state.
        let ledger = fixture.ledger
        let orderKey = "shopify:\(id)"
        let reached = try await eventually(timeout: .seconds(30)) {
            try await ledger.loadState(order: orderKey, system: "shopify")?.state == "PAYMENT_CAPTURED"
        }
        XCTAssertTrue(reached)
        let health = try await get("\(fixture.baseURL)/readyz")
        XCTAssertEqual(health, 200)
        try await fixture.stop()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let rows = try await fixture.audit([.quarantined, .deduped], in: try await reopen(fixture))
        let quarantineRows = rows.filter { $0.hop == .quarantined }
        XCTAssertEqual(quarantineRows.count, 3)
        XCTAssertEqual(quarantineRows.first { $0.eventID == refund.webhookID }?.reason, "unsupported-topic")
        XCTAssertEqual(rows.filter { $0.hop == .deduped }.map(\.eventID), [good.webhookID])
    }

    func testKafkaDownAnswers503AndTheRetryGetsThroughAfterRecovery() async throws {
        let broker = try TestBroker.mock(brokers: 1)
        let cluster = try XCTUnwrap(broker.mockCluster)
        let fixture = try await PipelineFixture.start(broker: broker, stages: [.ingest]) {
            $0.sendTimeout = .milliseconds(1500)
        }
        let store = StorefrontStore(seed: 2)
        let delivery = await store.createOrder(paid: false).webhooks[0]
        let deliverer = WebhookDeliverer(
            targetURL: fixture.webhookURL, secret: PipelineFixture.secret,
            policy: WebhookRetryPolicy(
                maxAttempts: 9, initialDelay: .milliseconds(300), multiplier: 2,
                maxDelay: .seconds(2), timeout: .seconds(5)))
        try cluster.setBrokerDown(1)
        let direct = await deliverer.attemptOnce(delivery)
        XCTAssertEqual(direct, 503, "no acknowledgement from Kafka → 503")
        let ready = try await get("\(fixture.baseURL)/readyz")
        XCTAssertEqual(ready, 503, "not ready while sends fail")

        // Shopify-style retries while the broker is down; it comes back once two more were refused.
        async let final = deliverer.deliver(delivery)
        let retried = await eventually { (await deliverer.stats.statuses[503] ?? 0) >= 3 }
        let whileDown = await deliverer.stats.statuses
        XCTAssertTrue(retried, "the retries met the down broker: \(whileDown)")
        try cluster.setBrokerUp(1)
        let status = await final
        XCTAssertEqual(status, 200)
        let statuses = await deliverer.stats.statuses
        XCTAssertGreaterThanOrEqual(statuses[503, default: 0], 2, "\(statuses)")

        let raw = try await readAll(broker, topic: fixture.topics.ingestRaw, count: 1, settle: .seconds(2))
        XCTAssertTrue(raw.contains { HeaderMap($0.headers)[EnvelopeHeader.eventID] == delivery.webhookID })
        try await fixture.stop()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let received = try await fixture.audit([.received], in: try await reopen(fixture))
        XCTAssertTrue(received.contains { $0.eventID == delivery.webhookID && $0.httpStatus == 200 })
    }
}

func reopen(_ fixture: PipelineFixture) async throws -> any LedgerStore {
    try await Ledger.open(url: "sqlite://" + fixture.directory.appendingPathComponent("ledger.db").path)
}

/// Reads `topic` from the beginning with a fresh group until `count` records arrived, then waits
/// `settle` more for unexpected extra records.
func readAll(
    _ broker: TestBroker, topic: String, count: Int, settle: Duration = .milliseconds(500),
    timeout: Duration = .seconds(30)
) async throws -> [KafkaMessage] {
    let consumer = try KafkaConsumer(
        config: broker.consumerConfig(), groupID: broker.uniqueName("reader"), topics: [topic])
    var messages = try await broker.consume(consumer, count: count, timeout: timeout, close: false)
    if messages.count >= count {
        messages += try await broker.consume(consumer, count: Int.max, timeout: settle, close: false)
    }
    await consumer.close()
    return messages
}

/// POSTs `body` with `headers`; returns the status.
func post(_ url: String, body: [UInt8], headers: [String: String]) async throws -> Int {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    request.body = .bytes(ByteBuffer(bytes: body))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    _ = try await response.body.collect(upTo: 1 << 20)
    return Int(response.status.code)
}

/// GETs `url`; returns the status.
func get(_ url: String) async throws -> Int {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
    _ = try await response.body.collect(upTo: 1 << 20)
    return Int(response.status.code)
}
