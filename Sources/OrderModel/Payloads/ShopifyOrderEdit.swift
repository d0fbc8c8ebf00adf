import Foundation

/// The body of Shopify's `orders/edited` webhook: `{"order_edit": {"id", "order_id", "created_at",
/// "committed_at", "line_items": {"additions": [{"id", "delta"}], "removals": [{"id", "delta"}]}}}`.
/// `committed_at` (API 2024-07 on) is when the edit reached the order; `created_at` stands in for it
/// before that. (https://shopify.dev/changelog/new-committed_at-timestamp-added-to-orders-edited-webhook-payload)
public struct ShopifyOrderEdit: Decodable, Hashable, Sendable {
    public var orderID: String
    public var edit: OrderEdit

    enum Outer: String, CodingKey { case orderEdit = "order_edit" }
    enum Keys: String, CodingKey {
        case id
        case orderID = "order_id"
        case createdAt = "created_at"
        case committedAt = "committed_at"
        case lineItems = "line_items"
    }
    enum LineKeys: String, CodingKey { case additions, removals }

    struct Delta: Decodable {
        var quantity: OrderLineQuantity
        enum Keys: String, CodingKey { case id, delta }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            quantity = OrderLineQuantity(
                lineID: try c.decodeID(forKey: .id), quantity: try c.decodeIfPresent(Int.self, forKey: .delta) ?? 0)
        }
    }

    public init(from decoder: any Decoder) throws {
        let outer = try decoder.container(keyedBy: Outer.self)
        let c = try outer.nestedContainer(keyedBy: Keys.self, forKey: .orderEdit)
        orderID = try c.decodeID(forKey: .orderID)
        let committed = try c.decodeTimestampIfPresent(forKey: .committedAt) ?? c.decodeTimestamp(forKey: .createdAt)
        var additions: [Delta] = []
        var removals: [Delta] = []
        if c.contains(.lineItems), try !c.decodeNil(forKey: .lineItems) {
            let lines = try c.nestedContainer(keyedBy: LineKeys.self, forKey: .lineItems)
            additions = try lines.decodeIfPresent([Delta].self, forKey: .additions) ?? []
            removals = try lines.decodeIfPresent([Delta].self, forKey: .removals) ?? []
        }
        edit = OrderEdit(
            id: try c.decodeID(forKey: .id), committedAt: ContentStamp(committed),
            additions: additions.map(\.quantity), removals: removals.map(\.quantity))
    }

    /// Decodes an `orders/edited` body; rejects bodies over `maxBytes` before parsing.
    public static func decode(
        from bytes: [UInt8], maxBytes: Int = PayloadLimits.defaultMaxBytes
    ) throws(PayloadError) -> ShopifyOrderEdit {
        try PayloadDecoding.decode(ShopifyOrderEdit.self, from: bytes, maxBytes: maxBytes)
    }

    /// The topic whose bodies this type reads.
    public static let topic = "orders/edited"
}
