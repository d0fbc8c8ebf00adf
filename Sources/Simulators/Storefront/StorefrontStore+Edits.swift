import Foundation

extension StorefrontStore {
    /// Adds the replacement item to `order` as Shopify's order editing does (a new line, totals
    /// updated) and returns the `orders/edited` webhook: `{"order_edit": {"id", "order_id",
    /// "created_at", "committed_at", "line_items": {"additions": [{"id", "delta"}], "removals": []}}}`
    /// (https://shopify.dev/changelog/new-committed_at-timestamp-added-to-orders-edited-webhook-payload).
    func addReplacement(to order: inout ShopifyOrderDocument, at time: String) -> WebhookDelivery {
        let item = StorefrontOrderFactory.replacement
        let lineID = order.id * 10 + Int64(order.lineItems.count)
        var line = ShopifyOrderDocument.LineItem(
            id: lineID, adminGraphqlApiId: "gid://shopify/LineItem/\(lineID)", variantId: 40_000_001_400,
            productId: 7_000_000_014, title: item.title, variantTitle: item.variant, sku: item.sku,
            vendor: "Driftless Outfitters", quantity: 1, fulfillableQuantity: 1, fulfillmentStatus: Nullable(nil),
            price: StorefrontOrderFactory.money(item.price), totalDiscount: "0.00", requiresShipping: true,
            taxable: true, grams: 120)
        let tax = item.price * 8 / 100
        line.currentQuantity = 1
        line.taxLines = [.init(title: "State Tax", price: StorefrontOrderFactory.money(tax), rate: 0.08)]
        line.discountAllocations = []
        order.lineItems.append(line)
        let cents = StorefrontOrderFactory.cents
        let money = StorefrontOrderFactory.money
        order.subtotalPrice = money(cents(order.subtotalPrice) + item.price)
        order.totalTax = money(cents(order.totalTax) + tax)
        order.totalPrice = money(cents(order.totalPrice) + item.price + tax)
        if order.fulfillmentStatus.value == "fulfilled" { order.fulfillmentStatus = Nullable("partial") }
        let editID = order.id * 100 + Int64(order.lineItems.count)
        let body: [String: Any] = [
            "order_edit": [
                "id": editID, "order_id": order.id, "created_at": time, "committed_at": time, "notify_customer": false,
                "staff_note": "replacement item", "user_id": NSNull(), "app_id": NSNull(),
                "line_items": ["additions": [["id": lineID, "delta": 1]], "removals": [] as [Any]],
                "discounts": ["additions": [] as [Any], "removals": [] as [Any]],
                "shipping_lines": ["additions": [] as [Any], "removals": [] as [Any]],
            ] as [String: Any]
        ]
        let bytes = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])).map(Array.init) ?? []
        return WebhookDelivery(
            topic: "orders/edited", body: bytes, webhookID: UUID().uuidString.lowercased(),
            eventID: String(editID), triggeredAt: now(), orderID: order.id,
            orderUpdatedAt: SimulatorTime.date(time) ?? now())
    }

    /// The refunded lines of a refund: every line for a full refund, one unit of the first line
    /// otherwise; refunded without restocking (`no_restock`: a refund is not a return — returns are
    /// their own flow, with `return_status`).
    func refundLines(of order: ShopifyOrderDocument, full: Bool) -> [ShopifyOrderDocument.RefundLine] {
        let lines = full ? order.lineItems : Array(order.lineItems.prefix(1))
        return lines.enumerated().map { index, line in
            let quantity = full ? (line.currentQuantity ?? line.quantity) : 1
            let subtotal = StorefrontOrderFactory.cents(line.price) * quantity
            return .init(
                id: order.id * 1000 + Int64(order.refunds.count * 10 + index), lineItemId: line.id, quantity: quantity,
                subtotal: StorefrontOrderFactory.money(subtotal), restockType: "no_restock")
        }
    }
}
