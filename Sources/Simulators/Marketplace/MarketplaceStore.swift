import Foundation

/// The marketplace's orders. Timestamps are given by the caller (tests place changes in the past,
/// since `getOrders` only serves changes at least two minutes old).
public actor MarketplaceStore {
    private var orders: [String: AmazonOrderDocument] = [:]
    private var random: SeededRandom
    private var sequence = 0

    /// A store whose generated ids and details follow `seed`.
    public init(seed: UInt64 = 11) {
        random = SeededRandom(seed: seed)
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
        let items = Int(random.next() % 3) + 1
        let cents = 1999 + Int(random.next() % 20_000)
        orders[id] = AmazonOrderDocument(
            AmazonOrderId: id, SellerOrderId: id, PurchaseDate: time, LastUpdateDate: time, OrderStatus: status,
            FulfillmentChannel: "MFN", SalesChannel: "Amazon.com", ShipServiceLevel: "Std US D2D Dom",
            OrderTotal: .init(CurrencyCode: "USD", Amount: String(format: "%d.%02d", cents / 100, cents % 100)),
            NumberOfItemsShipped: 0, NumberOfItemsUnshipped: items, PaymentMethod: "Other",
            PaymentMethodDetails: ["Standard"], MarketplaceId: "ATVPDKIKX0DER",
            ShipmentServiceLevelCategory: "Standard", OrderType: "StandardOrder",
            EarliestShipDate: ship, LatestShipDate: ship, IsBusinessOrder: false, IsPrime: random.next() % 2 == 0,
            IsPremiumOrder: false, IsGlobalExpressEnabled: false, IsReplacementOrder: false, IsSoldByAB: false,
            IsISPU: false, IsAccessPointOrder: false, BuyerInfo: .init(BuyerEmail: "\(id)@marketplace.amazon.com"),
            ShippingAddress: .init(City: "SEATTLE", StateOrRegion: "WA", PostalCode: "98101", CountryCode: "US"))
        return id
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
