/// The channel's customer of an order. A guest checkout has no `id`.
public struct OrderCustomer: Codable, Hashable, Sendable {
    /// The channel's customer id (Shopify `customer.id`); nil for a guest.
    public var id: String?
    public var email: String?
    public var firstName: String?
    public var lastName: String?

    public init(id: String? = nil, email: String? = nil, firstName: String? = nil, lastName: String? = nil) {
        self.id = id
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
    }

    /// "First Last", or nil when both are missing.
    public var name: String? {
        let parts = [firstName, lastName].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }
}

/// A postal address as the channel gives it.
public struct OrderAddress: Codable, Hashable, Sendable {
    public var name: String?
    public var address1: String?
    public var address2: String?
    public var city: String?
    public var provinceCode: String?
    public var zip: String?
    public var countryCode: String?
    public var phone: String?

    public init(
        name: String? = nil, address1: String? = nil, address2: String? = nil, city: String? = nil,
        provinceCode: String? = nil, zip: String? = nil, countryCode: String? = nil, phone: String? = nil
    ) {
        self.name = name
        self.address1 = address1
        self.address2 = address2
        self.city = city
        self.provinceCode = provinceCode
        self.zip = zip
        self.countryCode = countryCode
        self.phone = phone
    }
}

/// A tax charged on a line or a shipping line.
public struct OrderTaxLine: Codable, Hashable, Sendable {
    public var title: String
    /// The rate as the channel writes it (e.g. `"0.08"`).
    public var rate: String?
    public var amount: Money

    public init(title: String, rate: String? = nil, amount: Money) {
        self.title = title
        self.rate = rate
        self.amount = amount
    }
}

/// One order line.
public struct OrderLine: Codable, Hashable, Sendable {
    /// The channel's line id (Shopify `line_items[].id`, Amazon `OrderItemId`).
    public var id: String
    /// nil only for a line an edit added that no order body has described yet.
    public var sku: String?
    public var title: String?
    /// The current quantity (after edits and removals).
    public var quantity: Int
    /// Unit price before discounts; nil only for a line known from an edit alone.
    public var unitPrice: Money?
    /// Discounts allocated to the whole line.
    public var discount: Money
    public var taxLines: [OrderTaxLine]

    public init(
        id: String, sku: String?, title: String? = nil, quantity: Int, unitPrice: Money?, discount: Money = .zero,
        taxLines: [OrderTaxLine] = []
    ) {
        self.id = id
        self.sku = sku
        self.title = title
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.discount = discount
        self.taxLines = taxLines
    }

    /// Quantity × unit price − discount (zero while the price is unknown).
    public var netAmount: Money { (unitPrice ?? .zero) * quantity - discount }
    /// Sum of the line's taxes.
    public var tax: Money { taxLines.reduce(.zero) { $0 + $1.amount } }
}

/// A shipping charge (Shopify `shipping_lines[]`).
public struct OrderShippingLine: Codable, Hashable, Sendable {
    /// The method's code or title (e.g. `Standard`, `Express`), what the shipping item is mapped by.
    public var method: String
    public var price: Money
    public var discount: Money
    public var taxLines: [OrderTaxLine]

    public init(method: String, price: Money, discount: Money = .zero, taxLines: [OrderTaxLine] = []) {
        self.method = method
        self.price = price
        self.discount = discount
        self.taxLines = taxLines
    }
}

/// A quantity of one line.
public struct OrderLineQuantity: Codable, Hashable, Sendable {
    public var lineID: String
    public var quantity: Int

    public init(lineID: String, quantity: Int) {
        self.lineID = lineID
        self.quantity = quantity
    }
}

/// One shipment (Shopify fulfillment): the lines and quantities it carried and its tracking numbers.
public struct OrderShipment: Codable, Hashable, Sendable {
    public var id: String
    public var trackingNumbers: [String]
    public var trackingCompany: String?
    public var lines: [OrderLineQuantity]

    public init(id: String, trackingNumbers: [String], trackingCompany: String? = nil, lines: [OrderLineQuantity]) {
        self.id = id
        self.trackingNumbers = trackingNumbers
        self.trackingCompany = trackingCompany
        self.lines = lines
    }
}

/// One refunded line.
public struct OrderRefundLine: Codable, Hashable, Sendable {
    public var lineID: String
    public var quantity: Int
    /// What the line's refund amounts to (before tax).
    public var amount: Money
    /// no_restock, cancel, return, legacy_restock.
    public var restockType: String?

    public init(lineID: String, quantity: Int, amount: Money, restockType: String? = nil) {
        self.lineID = lineID
        self.quantity = quantity
        self.amount = amount
        self.restockType = restockType
    }

    /// True when the goods go back to stock.
    public var restocked: Bool { restockType == "return" || restockType == "cancel" || restockType == "legacy_restock" }
}

/// One refund: its lines and the money returned.
public struct OrderRefund: Codable, Hashable, Sendable {
    public var id: String
    public var lines: [OrderRefundLine]
    /// The refund transactions' total (nil when the body does not carry them).
    public var amount: Money?

    public init(id: String, lines: [OrderRefundLine], amount: Money? = nil) {
        self.id = id
        self.lines = lines
        self.amount = amount
    }
}

/// A captured payment: the gateway's reference and the amount.
public struct OrderCapture: Codable, Hashable, Sendable {
    public var reference: String
    public var amount: Money?
    public var gateway: String?

    public init(reference: String, amount: Money?, gateway: String? = nil) {
        self.reference = reference
        self.amount = amount
        self.gateway = gateway
    }
}

/// The order's totals as the channel states them.
public struct OrderTotals: Codable, Hashable, Sendable {
    public var subtotal: Money?
    public var tax: Money?
    public var shipping: Money?
    public var discounts: Money?
    public var total: Money?

    public init(
        subtotal: Money? = nil, tax: Money? = nil, shipping: Money? = nil, discounts: Money? = nil, total: Money? = nil
    ) {
        self.subtotal = subtotal
        self.tax = tax
        self.shipping = shipping
        self.discounts = discounts
        self.total = total
    }
}
