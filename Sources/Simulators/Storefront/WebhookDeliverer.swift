import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Sends signed webhooks to a target URL like Shopify: headers, HMAC signature, retries on
/// anything but 2xx, fault plans (drop, duplicate, late, reorder) and bounded concurrency.
public final class WebhookDeliverer: Sendable {
    /// Where deliveries go, e.g. `http://127.0.0.1:8080/webhooks/shopify`.
    public let targetURL: String
    /// `X-Shopify-Shop-Domain`.
    public let shopDomain: String
    /// `X-Shopify-API-Version`.
    public let apiVersion: String
    private let secret: SecretBox
    private let policy: WebhookRetryPolicy
    private let client: HTTPClient
    private let logger: Logger
    /// Counters of what happened.
    public let stats = WebhookDeliveryStats()

    /// A deliverer signing with `secret` and retrying per `policy`.
    public init(
        targetURL: String, secret: String, shopDomain: String = "driftless-demo.myshopify.com",
        apiVersion: String = "2024-10", policy: WebhookRetryPolicy = .compressed,
        client: HTTPClient = .shared, logger: Logger = Logger(label: "simulator.storefront.webhooks")
    ) {
        self.targetURL = targetURL
        self.secret = SecretBox(secret)
        self.shopDomain = shopDomain
        self.apiVersion = apiVersion
        self.policy = policy
        self.client = client
        self.logger = logger
    }

    /// Signs further deliveries with `secret` (a rotation).
    public func rotateSecret(to secret: String) {
        self.secret.set(secret)
    }

    /// Applies `plan` to `deliveries` and sends them with `concurrency` parallel senders.
    /// Returns the plan's outcome; results are in `stats`.
    @discardableResult
    public func send(
        _ deliveries: [WebhookDelivery], plan: WebhookFaultPlan = .none, concurrency: Int = 1
    ) async -> WebhookFaultPlan.Outcome {
        let outcome = plan.apply(to: deliveries)
        await stats.recordDropped(outcome.dropped.count)
        let schedule = outcome.schedule
        let cursor = Cursor()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, concurrency) {
                group.addTask {
                    while let index = cursor.next(limit: schedule.count) {
                        _ = await self.deliver(schedule[index])
                    }
                }
            }
        }
        return outcome
    }

    /// Delivers one webhook, retrying per the policy; returns the final HTTP status (nil: never answered).
    public func deliver(_ delivery: WebhookDelivery) async -> Int? {
        var lastStatus: Int?
        for attempt in 1...policy.maxAttempts {
            if attempt > 1 {
                try? await Task.sleep(for: policy.delay(beforeRetry: attempt - 1))
                if Task.isCancelled { break }
            }
            lastStatus = await attemptOnce(delivery)
            await stats.recordAttempt(status: lastStatus)
            if let status = lastStatus, (200..<300).contains(status) {
                await stats.recordDelivered()
                return status
            }
        }
        await stats.recordFailed()
        logger.warning("webhook gave up", metadata: ["webhook-id": "\(delivery.webhookID)"])
        return lastStatus
    }

    /// Sends `delivery` once with the given signature (or the correct one) and returns the status.
    public func attemptOnce(_ delivery: WebhookDelivery, signatureOverride: String? = nil) async -> Int? {
        var request = HTTPClientRequest(url: targetURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: ShopifyHeader.topic, value: delivery.topic)
        request.headers.add(
            name: ShopifyHeader.hmac,
            value: signatureOverride ?? WebhookSigner(secret: secret.get()).signature(for: delivery.body))
        request.headers.add(name: ShopifyHeader.shopDomain, value: shopDomain)
        request.headers.add(name: ShopifyHeader.apiVersion, value: apiVersion)
        request.headers.add(name: ShopifyHeader.webhookID, value: delivery.webhookID)
        request.headers.add(name: ShopifyHeader.triggeredAt, value: SimulatorTime.string(delivery.triggeredAt))
        request.headers.add(name: ShopifyHeader.eventID, value: delivery.eventID)
        request.body = .bytes(ByteBuffer(bytes: delivery.body))
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(policy.timeout.nanoseconds))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return Int(response.status.code)
        } catch {
            logger.debug("webhook attempt failed", metadata: ["error": "\(error)"])
            return nil
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let parts = components
        return parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
    }
}
