import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Synchronization

/// Turns a Shopify webhook delivery into a record on `<p>.ingest.raw`, acknowledging it only once
/// the broker has it.
///
/// Outcome per delivery: 401 bad or missing signature (nothing produced); 400 missing headers;
/// 413 body too large; 200 duplicate webhook id (nothing produced, audit `deduped`);
/// 200 produced and acknowledged (audit `received`); 503 Kafka unavailable or no delivery report
/// within `sendTimeout` (Shopify retries, so nothing acknowledged is lost).
/// A signed body that is not an order still goes to the raw topic: validate quarantines it with a reason.
public final class ShopifyWebhookIngest: Sendable {
    /// Settings of the webhook endpoint.
    public struct Configuration: Sendable {
        /// Largest accepted body (413 above).
        public var maxBodyBytes: Int
        /// Budget for the broker's acknowledgement (Shopify allows 5 s for the whole request).
        public var sendTimeout: Duration
        /// Ids remembered for deduplication and for how long.
        public var dedupeCapacity: Int
        public var dedupeTTL: Duration
        /// Sends still outstanding (also those whose delivery already got a 503 after
        /// `sendTimeout`) above which deliveries are answered 503 without producing, so a long
        /// Kafka outage cannot pile records and tasks up in memory.
        public var maxPendingSends: Int

        public init(
            maxBodyBytes: Int = 512 * 1024, sendTimeout: Duration = .seconds(3),
            dedupeCapacity: Int = 100_000, dedupeTTL: Duration = .seconds(24 * 3600), maxPendingSends: Int = 10_000
        ) {
            self.maxBodyBytes = maxBodyBytes
            self.sendTimeout = sendTimeout
            self.dedupeCapacity = dedupeCapacity
            self.dedupeTTL = dedupeTTL
            self.maxPendingSends = maxPendingSends
        }
    }

    /// What happened to one delivery.
    public enum Outcome: Sendable, Equatable {
        case accepted(DeliveryReport)
        case duplicate
        case unauthorized
        case badRequest(String)
        case tooLarge
        case unavailable(String)

        /// The HTTP status answered for it.
        public var httpStatus: Int {
            switch self {
            case .accepted, .duplicate: 200
            case .unauthorized: 401
            case .badRequest: 400
            case .tooLarge: 413
            case .unavailable: 503
            }
        }
    }

    /// The intake's limits and timeouts.
    public let configuration: Configuration
    private let verifier: ShopifySignatureVerifier
    private let topics: PipelineTopics
    private let sink: any RecordSink
    private let audit: any AuditSink
    private let health: HealthState
    private let deduplicator: WebhookDeduplicator
    private let replica: String
    private let logger: Logger
    /// Sends whose task has not finished yet.
    private let outstanding = Mutex(0)
    /// Whether deliveries may be produced yet: false until the process's topics are set up (a
    /// produce before that could make a broker auto-create a topic with its own partition count).
    private let accepting: @Sendable () -> Bool

    public init(
        configuration: Configuration = .init(), verifier: ShopifySignatureVerifier, topics: PipelineTopics,
        sink: any RecordSink, audit: any AuditSink, health: HealthState, replica: String = "ingest-0",
        logger: Logger = Logger(label: "driftless.ingest.shopify"), accepting: @escaping @Sendable () -> Bool = { true }
    ) {
        self.accepting = accepting
        self.configuration = configuration
        self.verifier = verifier
        self.topics = topics
        self.sink = sink
        self.audit = audit
        self.health = health
        self.deduplicator = WebhookDeduplicator(
            capacity: configuration.dedupeCapacity, ttl: configuration.dedupeTTL)
        self.replica = replica
        self.logger = logger
    }

    /// Handles one delivery. `header` looks a header up case-insensitively.
    public func handle(header: (String) -> String?, body: [UInt8], receivedAt: Date = Date()) async -> Outcome {
        guard body.count <= configuration.maxBodyBytes else { return .tooLarge }
        guard let signature = header("X-Shopify-Hmac-Sha256"), verifier.isValid(signature: signature, body: body)
        else { return .unauthorized }
        guard let webhookID = nonEmpty(header("X-Shopify-Webhook-Id")) else {
            return .badRequest("missing X-Shopify-Webhook-Id")
        }
        guard let topic = nonEmpty(header("X-Shopify-Topic")) else { return .badRequest("missing X-Shopify-Topic") }
        guard nonEmpty(header("X-Shopify-Shop-Domain")) != nil else {
            return .badRequest("missing X-Shopify-Shop-Domain")
        }
        // Still starting (the topics are being set up): Shopify retries a 503, nothing is lost.
        guard accepting() else { return .unavailable("starting: the topics are not set up yet") }
        let triggeredAt = header("X-Shopify-Triggered-At").flatMap(RFC3339.parse)
        let traceID = header("X-Shopify-Event-Id").map { "shopify-event-\($0)" } ?? UUID().uuidString.lowercased()

        // The order id is the partition key; a body that is not an order is still produced (keyed by
        // webhook id, without dl-order-id) so validate quarantines it with the reason.
        // `orders/edited` carries an order edit, not an order: its `order_edit.order_id` names the order.
        let order = Self.orderIdentity(topic: topic, body: body, maxBytes: configuration.maxBodyBytes)
        let envelope = Envelope(
            eventID: webhookID, channel: .shopify, orderID: order?.id ?? "", kind: topic,
            receivedAt: receivedAt, sourceTimestamp: order?.updatedAt ?? triggeredAt, traceID: traceID)
        let key =
            order.map { OrderKey(channel: .shopify, orderID: $0.id).description } ?? "shopify-webhook:\(webhookID)"

        switch deduplicator.claim(webhookID) {
        case .proceed:
            break
        case .inFlight:
            return .unavailable("same webhook id in flight")
        case .duplicate:
            await audit.offer([
                AuditRecord(
                    time: receivedAt, hop: .deduped, orderKey: key, channel: "shopify", eventID: webhookID,
                    stage: StageName.ingest.rawValue, replica: replica, httpStatus: 200,
                    reason: "duplicate X-Shopify-Webhook-Id", traceID: traceID)
            ])
            return .duplicate
        }

        let limit = configuration.maxPendingSends
        guard
            outstanding.withLock({ count -> Bool in
                guard count < limit else { return false }
                count += 1
                return true
            })
        else {
            deduplicator.release(webhookID)
            logger.warning(
                "webhook refused: too many Kafka sends outstanding",
                metadata: [
                    "webhook-id": "\(webhookID)", "outstanding": "\(limit)",
                ])
            return .unavailable("too many sends outstanding")
        }
        let record = ProducerRecord(
            topic: topics.ingestRaw, key: Array(key.utf8), value: body, headers: envelope.headers)
        do {
            let report = try await sink.send(record, timeout: configuration.sendTimeout) {
                self.outstanding.withLock { $0 -= 1 }
            }
            deduplicator.remember(webhookID)
            health.recordSend(succeeded: true)
            // Never waits on the ledger: the Kafka ack is the durability promise (a full audit
            // buffer drops the row and counts it).
            await audit.offer([
                AuditRecord(
                    time: receivedAt, hop: .received, orderKey: key, channel: "shopify", eventID: webhookID,
                    stage: StageName.ingest.rawValue, replica: replica, topic: report.topic,
                    partition: report.partition, offset: report.offset, httpStatus: 200,
                    // The order's name (`#1013`) last, so an operator finds the order by it.
                    detail: order?.name.map { "\(topic) \($0)" } ?? topic, traceID: traceID)
            ])
            return .accepted(report)
        } catch {
            deduplicator.release(webhookID)
            health.recordSend(succeeded: false)
            logger.warning(
                "webhook not acknowledged by Kafka",
                metadata: [
                    "webhook-id": "\(webhookID)", "error": "\(error)",
                ])
            return .unavailable(String(describing: error))
        }
    }

    /// Sends handed to Kafka whose outcome is not known yet.
    public var outstandingSends: Int { outstanding.withLock { $0 } }

    private func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
