import Foundation

/// Reads an order's content from an Amazon SP-API `Order` object (an element of `getOrders`'
/// `payload.Orders`) to which the marketplace poller attached the order's items under
/// ``itemsKey`` — the `payload.OrderItems` of `getOrderItems`, every `NextToken` page in order.
/// SP-API Orders v0 reference ("getOrderItems", "OrderItem"):
/// https://developer-docs.amazon.com/sp-api/docs/orders-api-v0-reference#getorderitems
///
/// - Lines: `OrderItemId`, `SellerSKU`, `Title`, `QuantityOrdered`. `ItemPrice` is the price of the
///   whole line (unit price × quantity), so the unit price is `ItemPrice / QuantityOrdered` in whole
///   cents; a remainder (e.g. 10.00 for 3) is taken off the line's discount so the line's net amount
///   is exactly `ItemPrice − PromotionDiscount`. `ItemTax` is the line's tax.
/// - Shipping: one shipping line (method `ShipmentServiceLevelCategory`, else `ShipServiceLevel`)
///   with the items' `ShippingPrice − ShippingDiscount` and `ShippingTax`, when any item is charged.
/// - Customer and addresses are personal data: `getOrders` returns `BuyerInfo` (`BuyerEmail`,
///   `BuyerName`) and a full `ShippingAddress` (`Name`, `AddressLine1`, …) only to calls made with a
///   Restricted Data Token. Without them the content has no customer (the ERP gets the configured
///   default customer) and no address (a city-level `ShippingAddress` is not written).
/// - Totals: `OrderTotal`; subtotal, tax, shipping and discounts summed over the items.
/// - Capture: Amazon settles the order itself; its reference is the order id, its amount `OrderTotal`.
///
/// An order without ``itemsKey`` (items not fetched) has no content.
public enum AmazonOrderContent {
    /// The key under which the poller attaches `getOrderItems`' `OrderItems` to the order object.
    public static let itemsKey = "OrderItems"

    /// The content of `bytes`; nil when the order carries no items; a `PayloadError` naming the JSON
    /// path that does not fit.
    public static func decode(
        from bytes: [UInt8], maxBytes: Int = PayloadLimits.defaultMaxBytes
    ) throws(PayloadError) -> OrderContent? {
        try PayloadDecoding.decode(Body.self, from: bytes, maxBytes: maxBytes).content
    }

    struct Body: Decodable {
        var content: OrderContent?

        enum Keys: String, CodingKey {
            case id = "AmazonOrderId"
            case updated = "LastUpdateDate"
            case total = "OrderTotal"
            case buyer = "BuyerInfo"
            case address = "ShippingAddress"
            case category = "ShipmentServiceLevelCategory"
            case level = "ShipServiceLevel"
            case items = "OrderItems"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            guard let items = try c.decodeIfPresent([Item].self, forKey: .items) else {
                content = nil
                return
            }
            let id = try c.decode(String.self, forKey: .id)
            let total = try c.decodeIfPresent(Amount.self, forKey: .total)
            let buyer = try c.decodeIfPresent(Buyer.self, forKey: .buyer)
            let method =
                try c.decodeIfPresent(String.self, forKey: .category)
                ?? c.decodeIfPresent(String.self, forKey: .level) ?? "Standard"
            let lines = items.map(\.line)
            let shippingPrice = items.reduce(Money.zero) { $0 + ($1.shippingPrice?.money ?? .zero) }
            let shippingDiscount = items.reduce(Money.zero) { $0 + ($1.shippingDiscount?.money ?? .zero) }
            let shippingTax = items.reduce(Money.zero) { $0 + ($1.shippingTax?.money ?? .zero) }
            let charged = items.contains { $0.shippingPrice != nil }
            let shipping =
                charged
                ? [
                    OrderShippingLine(
                        method: method, price: shippingPrice, discount: shippingDiscount,
                        taxLines: shippingTax == .zero ? [] : [OrderTaxLine(title: "ShippingTax", amount: shippingTax)])
                ] : []
            let customer: OrderCustomer? =
                buyer.flatMap {
                    $0.email == nil && $0.name == nil ? nil : OrderCustomer(email: $0.email, firstName: $0.name)
                }
            let address = try c.decodeIfPresent(Address.self, forKey: .address)
            content = OrderContent(
                stamp: ContentStamp(try c.decodeTimestamp(forKey: .updated)), name: id,
                currency: total?.currency ?? items.lazy.compactMap { $0.itemPrice?.currency }.first,
                customer: customer, lines: lines, shippingLines: shipping,
                shippingAddress: address.flatMap { $0.line1 == nil ? nil : $0.address },
                totals: OrderTotals(
                    subtotal: items.reduce(Money.zero) { $0 + ($1.itemPrice?.money ?? .zero) },
                    tax: lines.reduce(Money.zero) { $0 + $1.tax } + shippingTax,
                    shipping: charged ? shippingPrice - shippingDiscount : nil,
                    discounts: lines.reduce(Money.zero) { $0 + $1.discount } + shippingDiscount,
                    total: total?.money),
                captures: [OrderCapture(reference: id, amount: total?.money, gateway: "amazon")])
        }
    }

    /// `{"CurrencyCode": "USD", "Amount": "12.34"}`.
    struct Amount: Decodable {
        var currency: String?
        var money: Money?

        enum Keys: String, CodingKey {
            case currency = "CurrencyCode"
            case amount = "Amount"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            currency = try c.decodeIfPresent(String.self, forKey: .currency)
            money = try c.decodeIfPresent(Money.self, forKey: .amount)
        }
    }

    /// One `OrderItem`.
    struct Item: Decodable {
        var id: String
        var sku: String?
        var title: String?
        var quantity: Int
        var itemPrice: Amount?
        var itemTax: Amount?
        var promotionDiscount: Amount?
        var shippingPrice: Amount?
        var shippingTax: Amount?
        var shippingDiscount: Amount?

        enum Keys: String, CodingKey {
            case id = "OrderItemId"
            case sku = "SellerSKU"
            case title = "Title"
            case quantity = "QuantityOrdered"
            case itemPrice = "ItemPrice"
            case itemTax = "ItemTax"
            case promotionDiscount = "PromotionDiscount"
            case shippingPrice = "ShippingPrice"
            case shippingTax = "ShippingTax"
            case shippingDiscount = "ShippingDiscount"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            id = try c.decode(String.self, forKey: .id)
            sku = try c.decodeIfPresent(String.self, forKey: .sku)
            title = try c.decodeIfPresent(String.self, forKey: .title)
            quantity = max(0, try c.decode(Int.self, forKey: .quantity))
            itemPrice = try c.decodeIfPresent(Amount.self, forKey: .itemPrice)
            itemTax = try c.decodeIfPresent(Amount.self, forKey: .itemTax)
            promotionDiscount = try c.decodeIfPresent(Amount.self, forKey: .promotionDiscount)
            shippingPrice = try c.decodeIfPresent(Amount.self, forKey: .shippingPrice)
            shippingTax = try c.decodeIfPresent(Amount.self, forKey: .shippingTax)
            shippingDiscount = try c.decodeIfPresent(Amount.self, forKey: .shippingDiscount)
        }

        /// The line: unit price in whole cents, the division's remainder taken off the discount.
        var line: OrderLine {
            var unit: Money?
            var discount = promotionDiscount?.money ?? .zero
            if let price = itemPrice?.money {
                let divisor = Int64(max(1, quantity))
                unit = Money(cents: price.cents / divisor)
                discount = discount - Money(cents: price.cents % divisor)
            }
            let tax = itemTax?.money ?? .zero
            return OrderLine(
                id: id, sku: sku, title: title, quantity: quantity, unitPrice: unit, discount: discount,
                taxLines: tax == .zero ? [] : [OrderTaxLine(title: "ItemTax", amount: tax)])
        }
    }

    /// `BuyerInfo` (restricted data: present only with a Restricted Data Token).
    struct Buyer: Decodable {
        var email: String?
        var name: String?

        enum Keys: String, CodingKey {
            case email = "BuyerEmail"
            case name = "BuyerName"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            email = try c.decodeIfPresent(String.self, forKey: .email)
            name = try c.decodeIfPresent(String.self, forKey: .name)
        }
    }

    /// `ShippingAddress`; `Name`, `AddressLine1`, `AddressLine2`, `Phone` only with a Restricted Data Token.
    struct Address: Decodable {
        var address: OrderAddress
        var line1: String?

        enum Keys: String, CodingKey {
            case name = "Name"
            case line1 = "AddressLine1"
            case line2 = "AddressLine2"
            case city = "City"
            case state = "StateOrRegion"
            case zip = "PostalCode"
            case country = "CountryCode"
            case phone = "Phone"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            line1 = try c.decodeIfPresent(String.self, forKey: .line1)
            address = OrderAddress(
                name: try c.decodeIfPresent(String.self, forKey: .name), address1: line1,
                address2: try c.decodeIfPresent(String.self, forKey: .line2),
                city: try c.decodeIfPresent(String.self, forKey: .city),
                provinceCode: try c.decodeIfPresent(String.self, forKey: .state),
                zip: try c.decodeIfPresent(String.self, forKey: .zip),
                countryCode: try c.decodeIfPresent(String.self, forKey: .country),
                phone: try c.decodeIfPresent(String.self, forKey: .phone))
        }
    }
}
