import Foundation
import OrderModel

extension ShopifyWebhookIngest {
    /// The order a webhook body is about and its timestamp: an order body's `id` and `updated_at`, an
    /// `orders/edited` body's `order_edit.order_id` and `committed_at`; nil when the body is neither.
    static func orderIdentity(topic: String, body: [UInt8], maxBytes: Int) -> (id: String, updatedAt: Date)? {
        if topic == ShopifyOrderEdit.topic {
            return (try? ShopifyOrderEdit.decode(from: body, maxBytes: maxBytes)).map {
                ($0.orderID, $0.edit.committedAt.date)
            }
        }
        return (try? ShopifyOrder.decode(from: body, maxBytes: maxBytes)).map { ($0.id, $0.updatedAt) }
    }
}
