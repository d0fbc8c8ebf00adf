import Foundation
import OrderModel

extension ShopifyWebhookIngest {
    /// The order a webhook body is about, its timestamp and its name (`#1013`, order bodies only): an order
    /// body's `id`, `updated_at` and `name`, an `orders/edited` body's `order_edit.order_id` and
    /// `committed_at`; nil when the body is neither.
    static func orderIdentity(
        topic: String, body: [UInt8], maxBytes: Int
    ) -> (id: String, updatedAt: Date, name: String?)? {
        if topic == ShopifyOrderEdit.topic {
            return (try? ShopifyOrderEdit.decode(from: body, maxBytes: maxBytes)).map {
                ($0.orderID, $0.edit.committedAt.date, nil)
            }
        }
        return (try? ShopifyOrder.decode(from: body, maxBytes: maxBytes)).map { ($0.id, $0.updatedAt, $0.name) }
    }
}
