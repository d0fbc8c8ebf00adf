import Foundation

/// Reads an order's content from a Shopify REST `Order` body (the webhook body of `orders/*`):
/// `name`, `currency`, `customer` (absent for a guest: the order's `email` then), `line_items`
/// (`current_quantity` when present — it reflects edits and removals — else `quantity`; `price`;
/// `discount_allocations`, else `total_discount`; `tax_lines`), `shipping_lines`, both addresses,
/// the totals, `fulfillments[].line_items` (the lines and quantities of that shipment),
/// `refunds[].refund_line_items` and refund transactions, and successful capture transactions.
/// Shopify's Order resource: https://shopify.dev/docs/api/admin-rest/latest/resources/order
public enum ShopifyOrderContent {
    /// The content of `bytes`, or a `PayloadError` naming the JSON path that does not fit.
    ///
    /// Single-pass `ShopifyOrderContentReader` first; whatever it does not handle (errors included) is
    /// decoded by `JSONDecoder`, so results and errors are exactly `JSONDecoder`'s.
    public static func decode(
        from bytes: [UInt8], maxBytes: Int = PayloadLimits.defaultMaxBytes
    ) throws(PayloadError) -> OrderContent {
        guard bytes.count <= maxBytes else { throw .tooLarge(size: bytes.count, limit: maxBytes) }
        if let content = bytes.withUnsafeBufferPointer(ShopifyOrderContentReader.read) { return content }
        return try decodeWithJSONDecoder(from: bytes, maxBytes: maxBytes)
    }

    /// The `JSONDecoder` path alone: the fallback of `decode`, public for the benchmarks that compare
    /// the two paths (use `decode`).
    public static func decodeWithJSONDecoder(from bytes: [UInt8], maxBytes: Int) throws(PayloadError) -> OrderContent {
        try PayloadDecoding.decode(Body.self, from: bytes, maxBytes: maxBytes).content
    }

    struct Body: Decodable {
        var content: OrderContent

        enum Keys: String, CodingKey {
            case name
            case email
            case currency
            case customer
            case updatedAt = "updated_at"
            case lineItems = "line_items"
            case shippingLines = "shipping_lines"
            case billingAddress = "billing_address"
            case shippingAddress = "shipping_address"
            case subtotal = "subtotal_price"
            case tax = "total_tax"
            case discounts = "total_discounts"
            case total = "total_price"
            case fulfillments
            case refunds
            case transactions
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            let customer = try c.decodeIfPresent(Customer.self, forKey: .customer)
            let email = try c.decodeIfPresent(String.self, forKey: .email)
            let shipping = try c.decodeIfPresent([ShippingLine].self, forKey: .shippingLines) ?? []
            let captures = (try c.decodeIfPresent([Transaction].self, forKey: .transactions) ?? [])
                .filter(\.isSuccessfulCapture)
                .map { OrderCapture(reference: $0.reference, amount: $0.amount, gateway: $0.gateway) }
            let shippingTotal = shipping.reduce(Money.zero) { $0 + $1.line.price }
            content = OrderContent(
                stamp: ContentStamp(try c.decodeTimestamp(forKey: .updatedAt)),
                name: try c.decodeIfPresent(String.self, forKey: .name),
                currency: try c.decodeIfPresent(String.self, forKey: .currency),
                customer: OrderCustomer(
                    id: customer?.id, email: customer?.email ?? email, firstName: customer?.firstName,
                    lastName: customer?.lastName),
                lines: (try c.decodeIfPresent([LineItem].self, forKey: .lineItems) ?? []).map(\.line),
                shippingLines: shipping.map(\.line),
                billingAddress: try c.decodeIfPresent(Address.self, forKey: .billingAddress)?.address,
                shippingAddress: try c.decodeIfPresent(Address.self, forKey: .shippingAddress)?.address,
                totals: OrderTotals(
                    subtotal: try c.decodeIfPresent(Money.self, forKey: .subtotal),
                    tax: try c.decodeIfPresent(Money.self, forKey: .tax),
                    shipping: shipping.isEmpty ? nil : shippingTotal,
                    discounts: try c.decodeIfPresent(Money.self, forKey: .discounts),
                    total: try c.decodeIfPresent(Money.self, forKey: .total)),
                shipments: (try c.decodeIfPresent([Fulfillment].self, forKey: .fulfillments) ?? [])
                    .filter(\.counts).map(\.shipment),
                refunds: (try c.decodeIfPresent([Refund].self, forKey: .refunds) ?? []).map(\.refund),
                captures: captures)
        }
    }

    struct Customer: Decodable {
        var id: String?
        var email: String?
        var firstName: String?
        var lastName: String?

        enum Keys: String, CodingKey {
            case id
            case email
            case firstName = "first_name"
            case lastName = "last_name"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            id = try c.contains(.id) && !c.decodeNil(forKey: .id) ? c.decodeID(forKey: .id) : nil
            email = try c.decodeIfPresent(String.self, forKey: .email)
            firstName = try c.decodeIfPresent(String.self, forKey: .firstName)
            lastName = try c.decodeIfPresent(String.self, forKey: .lastName)
        }
    }

    struct Address: Decodable {
        var address: OrderAddress

        enum Keys: String, CodingKey {
            case name
            case firstName = "first_name"
            case lastName = "last_name"
            case address1
            case address2
            case city
            case provinceCode = "province_code"
            case zip
            case countryCode = "country_code"
            case phone
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            let first = try c.decodeIfPresent(String.self, forKey: .firstName)
            let last = try c.decodeIfPresent(String.self, forKey: .lastName)
            let joined = [first, last].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            address = OrderAddress(
                name: try c.decodeIfPresent(String.self, forKey: .name) ?? (joined.isEmpty ? nil : joined),
                address1: try c.decodeIfPresent(String.self, forKey: .address1),
                address2: try c.decodeIfPresent(String.self, forKey: .address2),
                city: try c.decodeIfPresent(String.self, forKey: .city),
                provinceCode: try c.decodeIfPresent(String.self, forKey: .provinceCode),
                zip: try c.decodeIfPresent(String.self, forKey: .zip),
                countryCode: try c.decodeIfPresent(String.self, forKey: .countryCode),
                phone: try c.decodeIfPresent(String.self, forKey: .phone))
        }
    }

    struct TaxLine: Decodable {
        var line: OrderTaxLine

        enum Keys: String, CodingKey { case title, rate, price }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            let rate: String? =
                if let text = try? c.decodeIfPresent(String.self, forKey: .rate) { text } else {
                    try c.decodeIfPresent(Double.self, forKey: .rate).map { String($0) }
                }
            line = OrderTaxLine(
                title: try c.decodeIfPresent(String.self, forKey: .title) ?? "tax", rate: rate,
                amount: try c.decodeIfPresent(Money.self, forKey: .price) ?? .zero)
        }
    }

    struct Allocation: Decodable {
        var amount: Money
    }

    struct LineItem: Decodable {
        var line: OrderLine

        enum Keys: String, CodingKey {
            case id
            case sku
            case title
            case quantity
            case currentQuantity = "current_quantity"
            case price
            case totalDiscount = "total_discount"
            case allocations = "discount_allocations"
            case taxLines = "tax_lines"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            let quantity = try c.decodeIfPresent(Int.self, forKey: .quantity) ?? 0
            let allocations = try c.decodeIfPresent([Allocation].self, forKey: .allocations)
            let totalDiscount = try c.decodeIfPresent(Money.self, forKey: .totalDiscount) ?? .zero
            let discount = allocations.map { $0.reduce(Money.zero) { $0 + $1.amount } } ?? totalDiscount
            let sku = try c.decodeIfPresent(String.self, forKey: .sku)
            line = OrderLine(
                id: try c.decodeID(forKey: .id), sku: sku ?? "",
                title: try c.decodeIfPresent(String.self, forKey: .title),
                quantity: try c.decodeIfPresent(Int.self, forKey: .currentQuantity) ?? quantity,
                unitPrice: try c.decodeIfPresent(Money.self, forKey: .price) ?? .zero, discount: discount,
                taxLines: (try c.decodeIfPresent([TaxLine].self, forKey: .taxLines) ?? []).map(\.line))
        }
    }

    struct ShippingLine: Decodable {
        var line: OrderShippingLine

        enum Keys: String, CodingKey {
            case code
            case title
            case price
            case allocations = "discount_allocations"
            case taxLines = "tax_lines"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            let code = try c.decodeIfPresent(String.self, forKey: .code)
            let title = try c.decodeIfPresent(String.self, forKey: .title)
            let allocations = try c.decodeIfPresent([Allocation].self, forKey: .allocations) ?? []
            line = OrderShippingLine(
                method: code ?? title ?? "shipping", price: try c.decodeIfPresent(Money.self, forKey: .price) ?? .zero,
                discount: allocations.reduce(Money.zero) { $0 + $1.amount },
                taxLines: (try c.decodeIfPresent([TaxLine].self, forKey: .taxLines) ?? []).map(\.line))
        }
    }

    struct Fulfillment: Decodable {
        var shipment: OrderShipment
        var counts: Bool

        struct Line: Decodable {
            var quantity: OrderLineQuantity
            enum Keys: String, CodingKey { case id, quantity }
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: Keys.self)
                quantity = OrderLineQuantity(
                    lineID: try c.decodeID(forKey: .id),
                    quantity: try c.decodeIfPresent(Int.self, forKey: .quantity) ?? 0)
            }
        }

        enum Keys: String, CodingKey {
            case id
            case status
            case trackingCompany = "tracking_company"
            case trackingNumber = "tracking_number"
            case trackingNumbers = "tracking_numbers"
            case lineItems = "line_items"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            let status = try c.decodeIfPresent(String.self, forKey: .status)
            counts = !["cancelled", "error", "failure"].contains(status ?? "")
            let numbers =
                try c.decodeIfPresent([String].self, forKey: .trackingNumbers)
                ?? (try c.decodeIfPresent(String.self, forKey: .trackingNumber)).map { [$0] } ?? []
            shipment = OrderShipment(
                id: try c.decodeID(forKey: .id), trackingNumbers: numbers,
                trackingCompany: try c.decodeIfPresent(String.self, forKey: .trackingCompany),
                lines: (try c.decodeIfPresent([Line].self, forKey: .lineItems) ?? []).map(\.quantity))
        }
    }

    struct Refund: Decodable {
        var refund: OrderRefund

        struct Line: Decodable {
            var line: OrderRefundLine
            enum Keys: String, CodingKey {
                case lineItemID = "line_item_id"
                case quantity
                case subtotal
                case restockType = "restock_type"
            }
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: Keys.self)
                line = OrderRefundLine(
                    lineID: try c.decodeID(forKey: .lineItemID),
                    quantity: try c.decodeIfPresent(Int.self, forKey: .quantity) ?? 0,
                    amount: try c.decodeIfPresent(Money.self, forKey: .subtotal) ?? .zero,
                    restockType: try c.decodeIfPresent(String.self, forKey: .restockType))
            }
        }

        enum Keys: String, CodingKey {
            case id
            case lines = "refund_line_items"
            case transactions
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            let transactions = try c.decodeIfPresent([Transaction].self, forKey: .transactions)
            let amount = transactions.map { list in
                list.filter { $0.kind == "refund" && ($0.status ?? "success") == "success" }
                    .reduce(Money.zero) { $0 + ($1.amount ?? .zero) }
            }
            refund = OrderRefund(
                id: try c.decodeID(forKey: .id),
                lines: (try c.decodeIfPresent([Line].self, forKey: .lines) ?? []).map(\.line),
                amount: amount)
        }
    }

    struct Transaction: Decodable {
        var id: String
        var kind: String
        var status: String?
        var gateway: String?
        var authorization: String?
        var amount: Money?

        enum Keys: String, CodingKey { case id, kind, status, gateway, authorization, amount }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            id = try c.decodeID(forKey: .id)
            kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? ""
            status = try c.decodeIfPresent(String.self, forKey: .status)
            gateway = try c.decodeIfPresent(String.self, forKey: .gateway)
            authorization = try c.decodeIfPresent(String.self, forKey: .authorization)
            amount = try c.decodeIfPresent(Money.self, forKey: .amount)
        }

        var isSuccessfulCapture: Bool {
            (kind == "capture" || kind == "sale") && (status == nil || status == "success")
        }
        /// As `ShopifyOrder.Transaction.paymentReference`: the gateway reference when present.
        var reference: String { authorization.flatMap { $0.isEmpty ? nil : $0 } ?? id }
    }
}
