import Foundation
import OrderModel

/// One order as a channel's read API shows it now, with its payload in the channel's webhook / getOrders
/// shape (what `<p>.ingest.raw` carries), so the same bytes can be compared and injected.
public struct ChannelOrderSnapshot: Sendable, Hashable {
    /// The order key.
    public var key: OrderKey
    /// The channel's last change of the order.
    public var updatedAt: Date
    /// The payload (Shopify: a REST-shaped order; Amazon: an `Order` of getOrders).
    public var payload: [UInt8]

    /// Creates a snapshot.
    public init(key: OrderKey, updatedAt: Date, payload: [UInt8]) {
        self.key = key
        self.updatedAt = updatedAt
        self.payload = payload
    }
}
