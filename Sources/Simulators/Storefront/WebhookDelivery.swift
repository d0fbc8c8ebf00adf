import Foundation

/// One Shopify webhook delivery: topic, raw JSON body and the ids Shopify puts in its headers.
public struct WebhookDelivery: Sendable, Equatable {
    /// `orders/create`, `orders/updated`, `orders/paid`, …
    public var topic: String
    /// The raw JSON body (the order as the REST API renders it).
    public var body: [UInt8]
    /// `X-Shopify-Webhook-Id`: unique per delivery (the dedupe key); a duplicated delivery keeps it.
    public var webhookID: String
    /// `X-Shopify-Event-Id`: shared by deliveries caused by the same merchant action.
    public var eventID: String
    /// `X-Shopify-Triggered-At`.
    public var triggeredAt: Date
    /// The order the payload describes.
    public var orderID: Int64
    /// The order's `updated_at` in this payload.
    public var orderUpdatedAt: Date

    public init(
        topic: String, body: [UInt8], webhookID: String, eventID: String,
        triggeredAt: Date, orderID: Int64, orderUpdatedAt: Date
    ) {
        self.topic = topic
        self.body = body
        self.webhookID = webhookID
        self.eventID = eventID
        self.triggeredAt = triggeredAt
        self.orderID = orderID
        self.orderUpdatedAt = orderUpdatedAt
    }
}

/// Shopify webhook header names.
public enum ShopifyHeader {
    public static let topic = "X-Shopify-Topic"
    public static let hmac = "X-Shopify-Hmac-Sha256"
    public static let shopDomain = "X-Shopify-Shop-Domain"
    public static let apiVersion = "X-Shopify-API-Version"
    public static let webhookID = "X-Shopify-Webhook-Id"
    public static let triggeredAt = "X-Shopify-Triggered-At"
    public static let eventID = "X-Shopify-Event-Id"
}
