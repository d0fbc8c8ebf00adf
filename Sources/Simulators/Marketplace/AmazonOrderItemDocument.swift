import Foundation

/// An order item as SP-API `getOrderItems` returns it (PascalCase keys, the common subset of
/// `OrderItem`): Orders API v0 reference, "getOrderItems" and "OrderItem",
/// https://developer-docs.amazon.com/sp-api/docs/orders-api-v0-reference#getorderitems.
/// `ItemPrice` is the price of the whole line (unit price × `QuantityOrdered`), without shipping;
/// `PromotionDiscount` and `ItemTax` are the line's as well.
public struct AmazonOrderItemDocument: Codable, Sendable, Equatable {
    public var ASIN: String
    public var SellerSKU: String
    public var OrderItemId: String
    public var Title: String
    public var QuantityOrdered: Int
    public var QuantityShipped: Int
    public var ItemPrice: AmazonOrderDocument.Money?
    public var ItemTax: AmazonOrderDocument.Money?
    public var PromotionDiscount: AmazonOrderDocument.Money?
    public var ShippingPrice: AmazonOrderDocument.Money?
    public var ShippingTax: AmazonOrderDocument.Money?
    public var ShippingDiscount: AmazonOrderDocument.Money?
    public var IsGift: String
    public var ConditionId: String

    public init(
        sku: String, orderItemID: String, title: String? = nil, quantity: Int, itemPrice: String,
        itemTax: String = "0.00", promotionDiscount: String = "0.00", shippingPrice: String? = nil,
        shippingTax: String? = nil, currency: String = "USD"
    ) {
        func money(_ amount: String) -> AmazonOrderDocument.Money { .init(CurrencyCode: currency, Amount: amount) }
        let digits = sku.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) % 100_000_000 }
        ASIN = "B0" + String(format: "%08d", digits)
        SellerSKU = sku
        OrderItemId = orderItemID
        Title = title ?? sku
        QuantityOrdered = quantity
        QuantityShipped = 0
        ItemPrice = money(itemPrice)
        ItemTax = money(itemTax)
        PromotionDiscount = money(promotionDiscount)
        ShippingPrice = shippingPrice.map(money)
        ShippingTax = shippingTax.map(money)
        ShippingDiscount = shippingPrice.map { _ in money("0.00") }
        IsGift = "false"
        ConditionId = "New"
    }
}

/// The `getOrderItems` response body: `{"payload": {"OrderItems": [...], "NextToken": "...", "AmazonOrderId": "..."}}`.
public struct GetOrderItemsResponse: Codable, Sendable {
    public var payload: Payload

    public struct Payload: Codable, Sendable {
        public var OrderItems: [AmazonOrderItemDocument]
        public var NextToken: String?
        public var AmazonOrderId: String
    }
}
