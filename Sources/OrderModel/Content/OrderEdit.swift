/// A committed order edit (Shopify `orders/edited`): quantity added to and removed from lines by
/// line id. An added line the order has never shown gets its SKU and price from the next order body.
public struct OrderEdit: Codable, Hashable, Sendable {
    /// The edit's id (`order_edit.id`).
    public var id: String
    /// When it was committed to the order (`committed_at`, else `created_at`).
    public var committedAt: ContentStamp
    /// Quantity added per line id.
    public var additions: [OrderLineQuantity]
    /// Quantity removed per line id.
    public var removals: [OrderLineQuantity]

    public init(id: String, committedAt: ContentStamp, additions: [OrderLineQuantity], removals: [OrderLineQuantity]) {
        self.id = id
        self.committedAt = committedAt
        self.additions = additions
        self.removals = removals
    }

    /// Applies the edit to `lines`: additions raise a line's quantity (or append a line known only by
    /// its id), removals lower it (never below zero).
    public func apply(to lines: inout [OrderLine]) {
        for addition in additions where addition.quantity > 0 {
            if let index = lines.firstIndex(where: { $0.id == addition.lineID }) {
                lines[index].quantity += addition.quantity
            } else {
                lines.append(OrderLine(id: addition.lineID, sku: nil, quantity: addition.quantity, unitPrice: nil))
            }
        }
        for removal in removals where removal.quantity > 0 {
            if let index = lines.firstIndex(where: { $0.id == removal.lineID }) {
                lines[index].quantity = max(0, lines[index].quantity - removal.quantity)
            }
        }
    }
}
