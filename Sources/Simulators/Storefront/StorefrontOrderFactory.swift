import Foundation

/// Builds realistic Shopify REST orders from a seeded generator.
struct StorefrontOrderFactory {
    private static let products: [(title: String, variant: String, sku: String, price: Int)] = [
        ("Merino Crew Sweater", "Charcoal / M", "MCS-CHR-M", 8900),
        ("Trail Runner 2", "Black / 42", "TR2-BLK-42", 12900),
        ("Canvas Tote", "Natural", "CT-NAT", 2900),
        ("Insulated Bottle 750ml", "Sage", "IB750-SAG", 3400),
        ("Rain Shell", "Navy / L", "RS-NVY-L", 15900),
    ]
    private static let people:
        [(first: String, last: String, city: String, province: String, code: String, zip: String)] = [
            ("Ada", "Lindqvist", "Portland", "Oregon", "OR", "97205"),
            ("Tomás", "Reyes", "Austin", "Texas", "TX", "78701"),
            ("Mei", "Tanaka", "Seattle", "Washington", "WA", "98101"),
            ("Kwame", "Mensah", "Chicago", "Illinois", "IL", "60601"),
        ]

    static func make(
        id: Int64, number: Int, shopDomain: String, at date: Date, paid: Bool,
        random: inout SeededRandom
    ) -> ShopifyOrderDocument {
        let person = people[Int(random.next() % UInt64(people.count))]
        let lineCount = Int(random.next() % 3) + 1
        var lines: [ShopifyOrderDocument.LineItem] = []
        var subtotal = 0
        for index in 0..<lineCount {
            let product = products[Int(random.next() % UInt64(products.count))]
            let quantity = Int(random.next() % 2) + 1
            subtotal += product.price * quantity
            let lineID = id * 10 + Int64(index)
            lines.append(
                .init(
                    id: lineID, adminGraphqlApiId: "gid://shopify/LineItem/\(lineID)",
                    variantId: 40_000_000_000 + Int64(product.price),
                    productId: 7_000_000_000 + Int64(product.price / 100),
                    title: product.title, variantTitle: product.variant, sku: product.sku,
                    vendor: "Driftless Outfitters",
                    quantity: quantity, fulfillableQuantity: quantity, fulfillmentStatus: Nullable(nil),
                    price: money(product.price), totalDiscount: "0.00", requiresShipping: true, taxable: true,
                    grams: 450 * quantity))
        }
        let tax = subtotal * 8 / 100
        let time = SimulatorTime.string(date)
        let address = ShopifyOrderDocument.Address(
            firstName: person.first, lastName: person.last, address1: "\(100 + number % 800) Main St",
            city: person.city, province: person.province, provinceCode: person.code, zip: person.zip,
            country: "United States", countryCode: "US", phone: Nullable(nil))
        let email = "\(person.first.lowercased()).\(person.last.lowercased())+\(number)@example.com"
        return ShopifyOrderDocument(
            id: id, adminGraphqlApiId: "gid://shopify/Order/\(id)", name: "#\(number)", orderNumber: number,
            email: email, createdAt: time, updatedAt: time, processedAt: time,
            cancelledAt: Nullable(nil), cancelReason: Nullable(nil), closedAt: Nullable(nil),
            currency: "USD", presentmentCurrency: "USD",
            financialStatus: paid ? "paid" : "pending", fulfillmentStatus: Nullable(nil),
            confirmed: true, test: false,
            totalPrice: money(subtotal + tax), subtotalPrice: money(subtotal), totalTax: money(tax),
            totalDiscounts: "0.00", taxesIncluded: false,
            gateway: "shopify_payments", paymentGatewayNames: ["shopify_payments"], sourceName: "web",
            tags: "", note: Nullable(nil), token: String(format: "%016llx", random.next()),
            customer: .init(
                id: 6_000_000_000 + id % 100_000, email: email, firstName: person.first,
                lastName: person.last, state: "enabled", verifiedEmail: true),
            shippingAddress: address, billingAddress: address, lineItems: lines, fulfillments: [], refunds: [])
    }

    static func money(_ cents: Int) -> String {
        String(format: "%d.%02d", cents / 100, cents % 100)
    }

    static func cents(_ money: String) -> Int {
        let parts = money.split(separator: ".")
        let whole = Int(parts.first ?? "0") ?? 0
        let fraction = parts.count > 1 ? Int(parts[1].prefix(2)) ?? 0 : 0
        return whole * 100 + fraction
    }
}
