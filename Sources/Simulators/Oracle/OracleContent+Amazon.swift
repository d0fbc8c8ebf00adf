import Foundation

extension OracleContentExpectation {
    /// The expectation of a marketplace order — its `getOrders` `Order` and the `OrderItems` of
    /// `getOrderItems` — written from the SP-API Orders API v0 reference
    /// (https://developer-docs.amazon.com/sp-api/docs/orders-api-v0-reference#orderitem: `ItemPrice`
    /// is the selling price of the item's whole `QuantityOrdered`, `PromotionDiscount` the promotions
    /// on it) and the ERP contract in docs/ARCHITECTURE.md, sharing no code with the product's decoder:
    /// - without a Restricted Data Token the API gives no buyer and no street address: the sales order
    ///   has the deployment's default customer (no external id) and no shipping address is checked;
    /// - `otherRefNum` is the `AmazonOrderId`;
    /// - its lines are the items with a `QuantityOrdered` above zero, matched by `OrderItemId`
    ///   (`custcol_driftless_line`): quantity, unit price (`rate`) = `ItemPrice` ÷ quantity in whole
    ///   cents (rounded down; the remainder stays in the amount), amount = `ItemPrice` −
    ///   `PromotionDiscount`, to the cent; the item is the deployment's item for `SellerSKU` (`items`);
    /// - no shipment is checked (getOrders carries no tracking numbers: no item fulfilment is made).
    public static func amazon(
        order: AmazonOrderDocument, orderItems: [AmazonOrderItemDocument], items: [String: String]
    ) -> Self {
        var lines: [String: Line] = [:]
        for item in orderItems where item.QuantityOrdered > 0 {
            let price = cents(item.ItemPrice?.Amount)
            lines[item.OrderItemId] = Line(
                item: items[item.SellerSKU], quantity: item.QuantityOrdered, rateCents: price / item.QuantityOrdered,
                amountCents: price - cents(item.PromotionDiscount?.Amount))
        }
        return OracleContentExpectation(
            orderKey: "amazon:\(order.AmazonOrderId)",
            salesOrderExternalID: OracleExternalID.salesOrder(channel: "amazon", orderID: order.AmazonOrderId),
            customerExternalID: nil, name: order.AmazonOrderId, lines: lines, shipTo: [:], shipments: [:])
    }
}
