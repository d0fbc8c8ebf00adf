import Foundation

/// The marketplace's orders. Timestamps are given by the caller (tests place changes in the past,
/// since `getOrders` only serves changes at least two minutes old).
public actor MarketplaceStore {
    private var orders: [String: AmazonOrderDocument] = [:]
    private var items: [String: [AmazonOrderItemDocument]] = [:]
    private var random: SeededRandom
    private let seed: UInt64
    private var sequence = 0
    /// The SKUs generated orders sell (those of the default mapping's `content.items`).
    public static let catalogue: [(sku: String, price: Int)] = [
        ("MCS-CHR-M", 8900), ("TR2-BLK-42", 12900), ("CT-NAT", 2900), ("IB750-SAG", 3400), ("RS-NVY-L", 15900),
    ]

    /// A store whose generated ids and details follow `seed`.
    public init(seed: UInt64 = 11) {
        random = SeededRandom(seed: seed)
        self.seed = seed
    }

    /// The items of order `id` (`getOrderItems`' `OrderItems`), in order.
    public func orderItems(_ id: String) -> [AmazonOrderItemDocument]? { items[id] }

    /// Replaces the items of order `id` (and its item counts and `OrderTotal` with them); the
    /// caller moves `LastUpdateDate` with ``setStatus(_:of:at:)`` when the change is to be polled.
    /// - Throws: `SimulatorError.unknownOrder`.
    public func setOrderItems(_ list: [AmazonOrderItemDocument], of id: String) throws {
        guard var order = orders[id] else { throw SimulatorError.unknownOrder(id) }
        items[id] = list
        order.NumberOfItemsShipped = list.reduce(0) { $0 + $1.QuantityShipped }
        order.NumberOfItemsUnshipped = list.reduce(0) { $0 + $1.QuantityOrdered - $1.QuantityShipped }
        order.OrderTotal = Self.total(list, currency: order.OrderTotal.CurrencyCode)
        orders[id] = order
    }

    /// The order `id`, if any.
    public func order(_ id: String) -> AmazonOrderDocument? { orders[id] }

    /// All orders, by id.
    public func allOrders() -> [AmazonOrderDocument] { orders.values.sorted { $0.AmazonOrderId < $1.AmazonOrderId } }

    /// Creates an order in status `status` (default `Pending`) last updated at `at`; returns its id.
    public func createOrder(status: String = "Pending", at date: Date) -> String {
        sequence += 1
        let id = String(
            format: "%03d-%07d-%07d", 100 + Int(random.next() % 900),
            Int(random.next() % 10_000_000), sequence)
        let time = SimulatorTime.string(date)
        let ship = SimulatorTime.string(date.addingTimeInterval(86_400))
        _ = random.next() % 3  // kept: the stream of ids and flags stays what it was before items existed
        _ = random.next()
        let generated = Self.generatedItems(orderID: id, seed: seed &+ UInt64(sequence))
        let count = generated.reduce(0) { $0 + $1.QuantityOrdered }
        orders[id] = AmazonOrderDocument(
            AmazonOrderId: id, SellerOrderId: id, PurchaseDate: time, LastUpdateDate: time, OrderStatus: status,
            FulfillmentChannel: "MFN", SalesChannel: "Amazon.com", ShipServiceLevel: "Std US D2D Dom",
            OrderTotal: Self.total(generated, currency: "USD"),
            NumberOfItemsShipped: 0, NumberOfItemsUnshipped: count, PaymentMethod: "Other",
            PaymentMethodDetails: ["Standard"], MarketplaceId: "ATVPDKIKX0DER",
            ShipmentServiceLevelCategory: "Standard", OrderType: "StandardOrder",
            EarliestShipDate: ship, LatestShipDate: ship, IsBusinessOrder: false, IsPrime: random.next() % 2 == 0,
            IsPremiumOrder: false, IsGlobalExpressEnabled: false, IsReplacementOrder: false, IsSoldByAB: false,
            IsISPU: false, IsAccessPointOrder: false, BuyerInfo: nil,
            ShippingAddress: .init(City: "SEATTLE", StateOrRegion: "WA", PostalCode: "98101", CountryCode: "US"))
        items[id] = generated
        return id
    }

    /// One or two lines of the catalogue, quantities 1–3, 8 % tax, shipping on the first line.
    private static func generatedItems(orderID: String, seed: UInt64) -> [AmazonOrderItemDocument] {
        var random = SeededRandom(seed: seed)
        let lines = Int(random.next() % 2) + 1
        var out: [AmazonOrderItemDocument] = []
        var used: Set<Int> = []
        for index in 0..<lines {
            var pick = Int(random.next() % UInt64(catalogue.count))
            while used.contains(pick) { pick = (pick + 1) % catalogue.count }
            used.insert(pick)
            let quantity = Int(random.next() % 3) + 1
            let price = catalogue[pick].price * quantity
            out.append(
                AmazonOrderItemDocument(
                    sku: catalogue[pick].sku, orderItemID: "\(orderID.filter(\.isNumber))\(index + 1)",
                    quantity: quantity, itemPrice: amount(price), itemTax: amount(price * 8 / 100),
                    shippingPrice: index == 0 ? "4.99" : nil, shippingTax: index == 0 ? "0.40" : nil))
        }
        return out
    }

    /// What the buyer pays: items, their tax, shipping and its tax, less discounts.
    static func total(_ list: [AmazonOrderItemDocument], currency: String) -> AmazonOrderDocument.Money {
        func cents(_ money: AmazonOrderDocument.Money?) -> Int {
            guard let text = money?.Amount else { return 0 }
            let parts = text.split(separator: ".")
            let whole = Int(parts.first ?? "0") ?? 0
            let fraction =
                parts.count > 1 ? Int(parts[1].prefix(2).padding(toLength: 2, withPad: "0", startingAt: 0)) ?? 0 : 0
            return whole * 100 + (text.hasPrefix("-") ? -fraction : fraction)
        }
        let sum = list.reduce(0) { total, item in
            total + cents(item.ItemPrice) + cents(item.ItemTax) - cents(item.PromotionDiscount)
                + cents(item.ShippingPrice)
                + cents(item.ShippingTax) - cents(item.ShippingDiscount)
        }
        return .init(CurrencyCode: currency, Amount: amount(sum))
    }

    static func amount(_ cents: Int) -> String {
        (cents < 0 ? "-" : "") + String(format: "%d.%02d", abs(cents) / 100, abs(cents) % 100)
    }

    /// Sets order `id` to `status` (e.g. `Unshipped`, `Shipped`, `Canceled`) at `at`.
    /// - Throws: `SimulatorError.unknownOrder`.
    public func setStatus(_ status: String, of id: String, at date: Date) throws {
        guard var order = orders[id] else { throw SimulatorError.unknownOrder(id) }
        order.OrderStatus = status
        order.LastUpdateDate = SimulatorTime.string(date)
        if status == "Shipped" {
            order.NumberOfItemsShipped += order.NumberOfItemsUnshipped
            order.NumberOfItemsUnshipped = 0
        }
        orders[id] = order
    }

    /// Orders with `after <= LastUpdateDate < before`, ordered by (LastUpdateDate, id).
    public func orders(updatedAfter after: Date, before: Date) -> [AmazonOrderDocument] {
        orders.values.filter {
            guard let date = SimulatorTime.date($0.LastUpdateDate) else { return false }
            return date >= after && date < before
        }.sorted { ($0.LastUpdateDate, $0.AmazonOrderId) < ($1.LastUpdateDate, $1.AmazonOrderId) }
    }
}
