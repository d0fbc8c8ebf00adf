import AsyncHTTPClient
import Foundation
import Kafka
import OrderModel
import Pipeline
import Simulators
import XCTest

/// The storefront orders API, the fault plan, the envelope and the webhook deduplicator.
final class SimulatorAndTopologyTests: XCTestCase {
    func testStorefrontOrdersAPIServesByIDAndPagesUpdatedSince() async throws {
        let store = StorefrontStore(seed: 4)
        var ids: [Int64] = []
        for _ in 0..<7 { ids.append(await store.createOrder(paid: true).id) }
        _ = try await store.apply(.fulfill, to: ids[0])
        let simulator = try await StorefrontSimulator.start(store: store)
        let base = "\(simulator.server.baseURL)/admin/api/2024-10"

        let (status, body, _) = try await fetch("\(base)/orders/\(ids[2]).json")
        XCTAssertEqual(status, 200)
        let order = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        let document = order?["order"] as? [String: Any]
        XCTAssertEqual((document?["id"] as? NSNumber)?.int64Value, ids[2])
        XCTAssertEqual(document?["financial_status"] as? String, "paid")
        XCTAssertTrue(document?.keys.contains("fulfillment_status") == true, "nulls are written out like Shopify")
        let decoded = try ShopifyOrder.decode(from: Array(JSONSerialization.data(withJSONObject: document ?? [:])))
        XCTAssertEqual(decoded.id, String(ids[2]))
        let (missing, _, _) = try await fetch("\(base)/orders/1.json")
        XCTAssertEqual(missing, 404)

        // All orders updated since the first creation, 3 per page, following Link rel="next".
        let first = await store.order(ids[0])
        var url: String? = "\(base)/orders.json?limit=3&updated_at_min=\(try XCTUnwrap(first?.createdAt))"
        var seen: [Int64] = []
        var pages = 0
        while let next = url {
            let (status, body, link) = try await fetch(next)
            XCTAssertEqual(status, 200)
            let list = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            seen += (list?["orders"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? NSNumber)?.int64Value }
            pages += 1
            url = link.flatMap { header in
                header.split(separator: "<").last?.split(separator: ">").first.map { simulator.server.baseURL + $0 }
            }
        }
        XCTAssertEqual(pages, 3)
        XCTAssertEqual(Set(seen), Set(ids))
        XCTAssertEqual(seen.last, ids[0], "ordered by updated_at: the fulfilled order comes last")
        await simulator.stop()
    }

    func testFaultPlanDuplicatesDelaysDropsAndShufflesReproducibly() async throws {
        let store = StorefrontStore(seed: 8)
        let deliveries = try await StorefrontScenario.lifecycles(store: store, orders: 100, seed: 8)
        let plan = WebhookFaultPlan(
            shuffle: true, duplicateFraction: 0.1, lateFraction: 0.05, dropFraction: 0.02, seed: 1)
        let outcome = plan.apply(to: deliveries)
        XCTAssertEqual(outcome.schedule.count, deliveries.count - outcome.dropped.count + outcome.duplicated.count)
        XCTAssertEqual(
            Set(outcome.schedule.suffix(outcome.late.count).map(\.webhookID)), Set(outcome.late.map(\.webhookID)))
        XCTAssertNotEqual(outcome.schedule.prefix(50).map(\.webhookID), deliveries.prefix(50).map(\.webhookID))
        XCTAssertEqual(plan.apply(to: deliveries).schedule.map(\.webhookID), outcome.schedule.map(\.webhookID))
        XCTAssertGreaterThan(deliveries.count, 900)
    }

    func testEnvelopeRoundTripAndQuarantineHeaders() throws {
        let received = Date(timeIntervalSince1970: 1_795_000_000.25)
        let envelope = Envelope(
            eventID: "w-1", channel: .amazon, orderID: "902-3159896-1390916", kind: "amazon/order",
            receivedAt: received, sourceTimestamp: received.addingTimeInterval(-60), traceID: "t-1")
        XCTAssertEqual(
            envelope.headers.map(\.key),
            [
                "dl-event-id", "dl-channel", "dl-order-id", "dl-kind", "dl-received-at", "dl-source-ts", "dl-trace-id",
            ])
        XCTAssertEqual(try Envelope(headers: envelope.headers), envelope)
        XCTAssertEqual(envelope.orderKey.description, "amazon:902-3159896-1390916")
        XCTAssertThrowsError(try Envelope(headers: Array(envelope.headers.dropFirst()))) {
            XCTAssertEqual($0 as? EnvelopeError, .missingHeader("dl-event-id"))
        }
        let info = QuarantineInfo(
            stage: .validate, reason: "unmapped-status: x", originalTopic: "t",
            originalPartition: 2, originalOffset: 41)
        let headers = HeaderMap(info.headers(appendingTo: envelope.headers))
        XCTAssertEqual(headers["dl-stage"], "validate")
        XCTAssertEqual(headers["dl-orig-offset"], "41")
        XCTAssertEqual(headers["dl-event-id"], "w-1")
        XCTAssertEqual(
            PipelineTopics(prefix: "p").stageTopics,
            ["p.ingest.raw", "p.validated", "p.canonical", "p.quarantine", "p.dead-letter"])
    }

    func testDeduplicatorClaimsRemembersExpiresAndBounds() async throws {
        let dedupe = WebhookDeduplicator(capacity: 3, ttl: .milliseconds(200))
        XCTAssertEqual(dedupe.claim("a"), .proceed)
        XCTAssertEqual(dedupe.claim("a"), .inFlight)
        dedupe.release("a")
        XCTAssertEqual(dedupe.claim("a"), .proceed)
        dedupe.remember("a")
        XCTAssertEqual(dedupe.claim("a"), .duplicate)
        for id in ["b", "c", "d", "e"] { dedupe.remember(id) }
        XCTAssertLessThanOrEqual(dedupe.count, 3, "bounded")
        XCTAssertEqual(dedupe.claim("e"), .duplicate)
        // Forgotten after the TTL (polled: a busy machine may take longer than 200 ms to get here).
        let forgotten = await eventually(timeout: .seconds(10)) { dedupe.claim("e") == .proceed }
        XCTAssertTrue(forgotten, "forgotten after the TTL")
        let verifier = ShopifySignatureVerifier(current: "new", previous: "old")
        let body = Array(#"{"id":1}"#.utf8)
        XCTAssertTrue(verifier.isValid(signature: WebhookSigner(secret: "new").signature(for: body), body: body))
        XCTAssertTrue(verifier.isValid(signature: WebhookSigner(secret: "old").signature(for: body), body: body))
        XCTAssertFalse(verifier.isValid(signature: WebhookSigner(secret: "other").signature(for: body), body: body))
        XCTAssertFalse(verifier.isValid(signature: "not base64!", body: body))
    }
}

/// GET `url`: status, body and the `Link` header.
private func fetch(_ url: String) async throws -> (Int, [UInt8], String?) {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
    let body = try await response.body.collect(upTo: 1 << 22)
    return (Int(response.status.code), Array(body.readableBytesView), response.headers.first(name: "Link"))
}
