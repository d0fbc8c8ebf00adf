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

    /// The item support adds as a replacement (edits after checkout).
    static let replacement = (title: "Wool Socks", variant: "Grey / One Size", sku: "WS-GRY-OS", price: 1400)

    static func make(
        id: Int64, number: Int, shopDomain: String, at date: Date, paid: Bool,
        random: inout SeededRandom
    ) -> ShopifyOrderDocument {
        let personIndex = Int(random.next() % UInt64(people.count))
        let person = people[personIndex]
        // What the cart holds beyond the lines (discounts, shipping method, guest or returning
        // customer) comes from a generator of its own, so the store's sequence stays as it was.
        var cart = SeededRandom(seed: UInt64(bitPattern: id) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(number))
        let lineCount = Int(random.next() % 3) + 1 + (cart.next() % 4 == 0 ? 1 : 0)
        var lines: [ShopifyOrderDocument.LineItem] = []
        var subtotal = 0
        var discounts = 0
        var tax = 0
        for index in 0..<lineCount {
            let product = products[Int((index < 3 ? random.next() : cart.next()) % UInt64(products.count))]
            let quantity = Int((index < 3 ? random.next() : cart.next()) % 2) + 1
            let lineID = id * 10 + Int64(index)
            // A 10 % promotion on some lines; 8 % tax on what the line costs after it.
            let discount = cart.next() % 3 == 0 ? product.price * quantity / 10 : 0
            let lineTax = (product.price * quantity - discount) * 8 / 100
            subtotal += product.price * quantity - discount
            discounts += discount
            tax += lineTax
            var line = ShopifyOrderDocument.LineItem(
                id: lineID, adminGraphqlApiId: "gid://shopify/LineItem/\(lineID)",
                variantId: 40_000_000_000 + Int64(product.price),
                productId: 7_000_000_000 + Int64(product.price / 100),
                title: product.title, variantTitle: product.variant, sku: product.sku,
                vendor: "Driftless Outfitters",
                quantity: quantity, fulfillableQuantity: quantity, fulfillmentStatus: Nullable(nil),
                price: money(product.price), totalDiscount: money(discount), requiresShipping: true, taxable: true,
                grams: 450 * quantity)
            line.currentQuantity = quantity
            line.taxLines = [.init(title: "\(person.code) State Tax", price: money(lineTax), rate: 0.08)]
            line.discountAllocations = discount > 0 ? [.init(amount: money(discount), discountApplicationIndex: 0)] : []
            lines.append(line)
        }
        let express = cart.next() % 4 == 0
        let shipping = express ? 1900 : (subtotal >= 10000 ? 0 : 800)
        let time = SimulatorTime.string(date)
        let address = ShopifyOrderDocument.Address(
            firstName: person.first, lastName: person.last, address1: "\(100 + number % 800) Main St",
            city: person.city, province: person.province, provinceCode: person.code, zip: person.zip,
            country: "United States", countryCode: "US", phone: Nullable(nil))
        let email = "\(person.first.lowercased()).\(person.last.lowercased())+\(number)@example.com"
        // One checkout in five is a guest's; the others belong to a few returning customers per person.
        let guest = cart.next() % 5 == 0
        let customerID = 6_000_000_000 + Int64(personIndex) * 100 + Int64(cart.next() % 3)
        var order = ShopifyOrderDocument(
            id: id, adminGraphqlApiId: "gid://shopify/Order/\(id)", name: "#\(number)", orderNumber: number,
            email: email, createdAt: time, updatedAt: time, processedAt: time,
            cancelledAt: Nullable(nil), cancelReason: Nullable(nil), closedAt: Nullable(nil),
            currency: "USD", presentmentCurrency: "USD",
            financialStatus: paid ? "paid" : "pending", fulfillmentStatus: Nullable(nil),
            confirmed: true, test: false,
            totalPrice: money(subtotal + tax + shipping), subtotalPrice: money(subtotal), totalTax: money(tax),
            totalDiscounts: money(discounts), taxesIncluded: false,
            gateway: "shopify_payments", paymentGatewayNames: ["shopify_payments"], sourceName: "web",
            tags: "", note: Nullable(nil), token: String(format: "%016llx", random.next()),
            customer: guest
                ? nil
                : .init(
                    id: customerID, email: email, firstName: person.first, lastName: person.last, state: "enabled",
                    verifiedEmail: true),
            shippingAddress: address, billingAddress: address, lineItems: lines, fulfillments: [], refunds: [])
        order.shippingLines = [
            .init(
                id: id * 10 + 9, code: express ? "Express" : "Standard", title: express ? "Express" : "Standard",
                price: money(shipping))
        ]
        return order
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
