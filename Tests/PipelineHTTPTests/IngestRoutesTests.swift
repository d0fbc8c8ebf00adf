import DriftlessTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Kafka
import NIOCore
import Pipeline
import Simulators
import Synchronization
import XCTest

@testable import PipelineHTTP

/// The listener's routes on Hummingbird's in-process router test client: what `/healthz`, `/readyz`,
/// `/status` and `/metrics` answer in each state, and how `POST /webhooks/shopify` maps the intake's
/// outcomes to statuses (a real intake producing to the mock cluster), counted by route and status.
final class IngestRoutesTests: XCTestCase {
    private static let secret = "shpss_routes_test"

    private func application(
        health: HealthState, metrics: PipelineMetrics, webhooks: ShopifyWebhookIngest? = nil
    ) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: IngestRequestMetrics(metrics: metrics))
        IngestRoutes.addHealthRoutes(to: router, health: health)
        MetricsRoutes.add(to: router, metrics: metrics)
        if let webhooks { IngestRoutes.addWebhookRoutes(to: router, shopify: webhooks) }
        return Application(router: router)
    }

    func testHealthReadinessAndStatusFollowTheProcessState() async throws {
        let health = HealthState()
        let app = application(health: health, metrics: PipelineMetrics())
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(String(buffer: response.body), "ok\n")
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                XCTAssertEqual(response.status, .serviceUnavailable, "not ready while starting")
                XCTAssertEqual(String(buffer: response.body), "starting\n")
            }
            health.markStarted()
            try await client.execute(uri: "/readyz", method: .get) { response in
                XCTAssertEqual(response.status, .ok)
            }
            health.recordProbe(succeeded: false)
            try await client.execute(uri: "/readyz", method: .get) { response in
                XCTAssertEqual(response.status, .serviceUnavailable)
                XCTAssertEqual(String(buffer: response.body), "kafka-unavailable\n")
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                XCTAssertEqual(response.status, .ok, "an unreachable broker is not a reason to restart")
            }
            health.setComponent("erp", "open")
            try await client.execute(uri: "/status", method: .get) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(response.headers[.contentType], "application/json")
                let json =
                    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                XCTAssertEqual(json?["condition"] as? String, "kafka-unavailable")
                XCTAssertEqual(json?["components"] as? [String: String], ["erp": "open"])
                XCTAssertEqual((json?["details"] as? [String: String])?["broker"], "unreachable")
            }
            health.markFatal()
            try await client.execute(uri: "/healthz", method: .get) { response in
                XCTAssertEqual(response.status, .serviceUnavailable)
                XCTAssertEqual(String(buffer: response.body), "fatal\n", "a short code, never the error's text")
            }
        }
    }

    /// Until the process's topics are set up, a signed delivery is answered 503 (Shopify retries it)
    /// and neither produced nor remembered: once they are, the same delivery is produced, not taken
    /// for a duplicate. (A produce before the set-up could make a broker auto-create the topic with
    /// its own partition count.)
    func testAWebhookWhileStartingIsAnswered503AndNeitherProducedNorRemembered() async throws {
        let broker = try TestBroker.mock()
        let topics = PipelineTopics(prefix: broker.uniqueName("starting"))
        try await broker.createTopic(named: topics.ingestRaw, partitions: 1)
        let producer = try KafkaProducer(config: broker.config())
        let delivery = await StorefrontStore(seed: 12).createOrder(paid: true).webhooks[0]
        let health = HealthState()
        let ready = Atomic<Bool>(false)
        let intake = ShopifyWebhookIngest(
            verifier: ShopifySignatureVerifier(current: Self.secret), topics: topics, sink: producer,
            audit: DiscardingAuditSink(), health: health, accepting: { ready.load(ordering: .relaxed) })
        let app = application(health: health, metrics: PipelineMetrics(), webhooks: intake)
        let signed = Self.headers(
            webhookID: delivery.webhookID, signature: WebhookSigner(secret: Self.secret).signature(for: delivery.body),
            topic: delivery.topic)
        let body = ByteBuffer(bytes: delivery.body)
        try await app.test(.router) { client in
            try await client.execute(uri: "/webhooks/shopify", method: .post, headers: signed, body: body) {
                XCTAssertEqual($0.status, .serviceUnavailable, "starting: Shopify retries")
            }
            ready.store(true, ordering: .relaxed)
            try await client.execute(uri: "/webhooks/shopify", method: .post, headers: signed, body: body) {
                XCTAssertEqual($0.status, .ok)
                XCTAssertEqual(String(buffer: $0.body), "ok\n", "produced now, not remembered from the 503")
            }
        }
        // One record on the raw topic (high watermark 1): the delivery accepted once the topics were there.
        let offsets = try await KafkaAdmin(config: broker.config()).lag(
            group: broker.uniqueName("starting-check"), topics: [topics.ingestRaw])
        XCTAssertEqual(offsets.map(\.highWatermark), [1])
        await producer.close()
    }

    func testWebhookOutcomesAreAnsweredAndCountedByRouteAndStatus() async throws {
        let broker = try TestBroker.mock()
        let topics = PipelineTopics(prefix: broker.uniqueName("routes"))
        try await broker.createTopic(named: topics.ingestRaw, partitions: 1)
        let producer = try KafkaProducer(config: broker.config())
        let delivery = await StorefrontStore(seed: 11).createOrder(paid: true).webhooks[0]
        let limit = delivery.body.count + 100
        let health = HealthState()
        health.markStarted()
        let intake = ShopifyWebhookIngest(
            configuration: .init(maxBodyBytes: limit), verifier: ShopifySignatureVerifier(current: Self.secret),
            topics: topics, sink: producer, audit: DiscardingAuditSink(), health: health)
        let metrics = PipelineMetrics()
        let app = application(health: health, metrics: metrics, webhooks: intake)
        let signature = WebhookSigner(secret: Self.secret).signature(for: delivery.body)
        func headers(signature: String, topic: String?) -> HTTPFields {
            Self.headers(webhookID: delivery.webhookID, signature: signature, topic: topic)
        }
        let body = ByteBuffer(bytes: delivery.body)
        let forged = headers(signature: "bm90LXRoZS1zaWduYXR1cmU=", topic: delivery.topic)
        let withoutTopic = headers(signature: signature, topic: nil)
        let signed = headers(signature: signature, topic: delivery.topic)

        try await app.test(.router) { client in
            try await client.execute(
                uri: "/webhooks/shopify", method: .post, headers: forged, body: body
            ) { response in
                XCTAssertEqual(response.status, .unauthorized)
            }
            try await client.execute(
                uri: "/webhooks/shopify", method: .post, headers: withoutTopic, body: body
            ) { response in
                XCTAssertEqual(response.status, .badRequest)
                XCTAssertEqual(String(buffer: response.body), "missing X-Shopify-Topic\n")
            }
            try await client.execute(
                uri: "/webhooks/shopify", method: .post, headers: signed,
                body: ByteBuffer(repeating: UInt8(ascii: " "), count: limit + 1)
            ) { response in
                XCTAssertEqual(response.status, .contentTooLarge, "refused above the body limit, signature unread")
            }
            try await client.execute(
                uri: "/webhooks/shopify", method: .post, headers: signed, body: body
            ) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(String(buffer: response.body), "ok\n")
            }
            try await client.execute(
                uri: "/webhooks/shopify", method: .post, headers: signed, body: body
            ) { response in
                XCTAssertEqual(response.status, .ok, "Shopify's retry of a delivered webhook is acknowledged")
                XCTAssertEqual(String(buffer: response.body), "duplicate\n")
            }
            try await client.execute(uri: "/webhooks/elsewhere", method: .post, body: body) { response in
                XCTAssertEqual(response.status, .notFound)
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                XCTAssertEqual(response.status, .ok)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(response.headers[.contentType], "text/plain; version=0.0.4; charset=utf-8")
                let text = String(buffer: response.body)
                let counted = Self.samples("driftless_ingest_requests_total", in: text)
                XCTAssertEqual(
                    counted,
                    [
                        "/webhooks/shopify 401": 1, "/webhooks/shopify 400": 1, "/webhooks/shopify 413": 1,
                        "/webhooks/shopify 200": 2, "other 404": 1,
                    ], "ingest answers by route and status; /healthz and /metrics are not ingest requests:\n\(text)")
            }
        }
        // Exactly one record reached the raw topic (its high watermark is 1): the accepted delivery, not
        // its duplicate nor any refused one; keyed by the order so its events stay on one partition.
        let offsets = try await KafkaAdmin(config: broker.config()).lag(
            group: broker.uniqueName("routes-check"), topics: [topics.ingestRaw])
        XCTAssertEqual(offsets.map(\.highWatermark), [1])
        let consumer = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: broker.uniqueName("routes-read"), topics: [topics.ingestRaw])
        let records = try await broker.consume(consumer, count: 1)
        XCTAssertEqual(records.map(\.keyString), ["shopify:\(delivery.orderID)"])
        XCTAssertEqual(records.first?.value, delivery.body)
        await producer.close()
    }

    /// A Shopify delivery's headers (`topic` nil: without `X-Shopify-Topic`).
    private static func headers(webhookID: String, signature: String, topic: String?) -> HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json"]
        for (name, value) in [
            ("X-Shopify-Hmac-Sha256", signature), ("X-Shopify-Webhook-Id", webhookID), ("X-Shopify-Topic", topic),
            ("X-Shopify-Shop-Domain", "driftless-test.myshopify.com"),
        ] {
            if let value, let name = HTTPField.Name(name) { fields[name] = value }
        }
        return fields
    }

    /// `name`'s samples in a Prometheus exposition as "route status" → value.
    private static func samples(_ name: String, in text: String) -> [String: Int] {
        var values: [String: Int] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") {
            func label(_ key: String) -> String {
                guard let start = line.range(of: key + "=\"") else { return "?" }
                return String(line[start.upperBound...].prefix { $0 != "\"" })
            }
            let value = line.split(separator: " ").last.flatMap { Double($0) }.map { Int($0) } ?? -1
            values["\(label("route")) \(label("status"))"] = value
        }
        return values
    }
}
