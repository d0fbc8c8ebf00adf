import Foundation

/// The storefront's orders and the webhooks their changes cause.
///
/// Time is simulated: every change advances the store clock by `tick`, so `updated_at` is strictly
/// increasing (Shopify timestamps have one-second resolution) and runs are reproducible.
public actor StorefrontStore {
    /// `X-Shopify-Shop-Domain`.
    public nonisolated let shopDomain: String
    private var orders: [Int64: ShopifyOrderDocument] = [:] {
        didSet { index = nil }
    }
    /// (updated_at, id, parsed updated_at) in (updated_at, id) order, built on the first page read after
    /// a change (the GraphQL pages of a large store then cost a binary search, not a sort).
    private var index: [(updatedAt: String, id: Int64, date: Date)]?
    private var clock: Date
    private let tick: TimeInterval
    private var random: SeededRandom
    private var nextOrderID: Int64 = 5_600_000_000_000
    private var nextNumber = 1001
    private var nextEventID: Int64 = 9_100_000_000

    /// A store whose clock starts at `start` and advances by `tick` per change.
    public init(
        shopDomain: String = "driftless-demo.myshopify.com", start: Date = Date(timeIntervalSince1970: 1_795_000_000),
        tick: TimeInterval = 1, seed: UInt64 = 42
    ) {
        self.shopDomain = shopDomain
        self.clock = start
        self.tick = tick
        self.random = SeededRandom(seed: seed)
    }

    /// The order with `id`, if any.
    public func order(_ id: Int64) -> ShopifyOrderDocument? { orders[id] }

    /// All orders, by id.
    public func allOrders() -> [ShopifyOrderDocument] { orders.values.sorted { $0.id < $1.id } }

    /// Orders updated at or after `since`, ordered by (`updated_at`, id).
    public func orders(updatedSince since: Date) -> [ShopifyOrderDocument] {
        orders.values
            .filter { (SimulatorTime.date($0.updatedAt) ?? .distantPast) >= since }
            .sorted { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }
    }

    /// One page in (`updated_at`, id) order: at most `limit` orders updated at or after `since` and after
    /// the (`updated_at`, id) `cursor`, and whether more follow.
    public func page(
        updatedSince since: Date, after cursor: (String, Int64)?, limit: Int
    ) -> (orders: [ShopifyOrderDocument], hasMore: Bool) {
        let sorted = sortedIndex()
        var start = lowerBound(sorted) { $0.date < since }
        if let cursor { start = max(start, lowerBound(sorted) { ($0.updatedAt, $0.id) <= cursor }) }
        let end = min(sorted.count, start + max(0, limit))
        let page = sorted[start..<end].compactMap { orders[$0.id] }
        return (page, end < sorted.count)
    }

    private func sortedIndex() -> [(updatedAt: String, id: Int64, date: Date)] {
        if let index { return index }
        let built = orders.values.map { ($0.updatedAt, $0.id, SimulatorTime.date($0.updatedAt) ?? .distantPast) }
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            .map { (updatedAt: $0.0, id: $0.1, date: $0.2) }
        index = built
        return built
    }

    /// The first position where `before` no longer holds (`before` is true for a prefix).
    private func lowerBound(
        _ sorted: [(updatedAt: String, id: Int64, date: Date)],
        _ before: ((updatedAt: String, id: Int64, date: Date)) -> Bool
    ) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if before(sorted[middle]) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Creates an order and returns its id with its `orders/create` webhook.
    public func createOrder(paid: Bool = false) -> (id: Int64, webhooks: [WebhookDelivery]) {
        let id = nextOrderID
        nextOrderID += 1
        advance()
        let order = StorefrontOrderFactory.make(
            id: id, number: nextNumber, shopDomain: shopDomain, at: clock, paid: paid, random: &random)
        nextNumber += 1
        orders[id] = order
        return (id, webhooks(for: order, topics: ["orders/create"]))
    }

    /// Applies `action` to order `id` and returns the webhooks Shopify would send.
    /// - Throws: `SimulatorError.unknownOrder` / `.invalidTransition`.
    public func apply(_ action: StorefrontAction, to id: Int64) throws -> [WebhookDelivery] {
        guard var order = orders[id] else { throw SimulatorError.unknownOrder(String(id)) }
        advance()
        let now = SimulatorTime.string(clock)
        let topics: [String]
        switch action {
        case .create:
            throw SimulatorError.invalidTransition(order: String(id), action: "create again")
        case .pay:
            order.financialStatus = "paid"
            topics = ["orders/paid", "orders/updated"]
        case .editTags(let tags):
            order.tags = tags
            topics = ["orders/updated"]
        case .fulfillPartially:
            guard let first = order.lineItems.indices.first else {
                throw SimulatorError.invalidTransition(order: String(id), action: "fulfill")
            }
            let shipped = [(order.lineItems[first], order.lineItems[first].fulfillableQuantity)]
            order.lineItems[first].fulfillableQuantity = 0
            order.lineItems[first].fulfillmentStatus = Nullable("fulfilled")
            order.fulfillmentStatus = Nullable(order.lineItems.count > 1 ? "partial" : "fulfilled")
            order.fulfillments.append(fulfillment(for: order, lines: shipped, at: now))
            topics = [order.lineItems.count > 1 ? "orders/partially_fulfilled" : "orders/fulfilled", "orders/updated"]
        case .fulfill:
            let open = order.lineItems.filter { $0.fulfillableQuantity > 0 }.map { ($0, $0.fulfillableQuantity) }
            for index in order.lineItems.indices {
                order.lineItems[index].fulfillableQuantity = 0
                order.lineItems[index].fulfillmentStatus = Nullable("fulfilled")
            }
            order.fulfillmentStatus = Nullable("fulfilled")
            if !open.isEmpty { order.fulfillments.append(fulfillment(for: order, lines: open, at: now)) }
            topics = ["orders/fulfilled", "orders/updated"]
        case .cancel(let reason):
            order.cancelledAt = Nullable(now)
            order.cancelReason = Nullable(reason)
            order.closedAt = Nullable(now)
            if order.financialStatus == "pending" || order.financialStatus == "authorized" {
                order.financialStatus = "voided"
            }
            topics = ["orders/cancelled", "orders/updated"]
        case .refund(let full):
            let total = StorefrontOrderFactory.cents(order.totalPrice)
            let amount = full ? total : total / 3
            order.refunds.append(
                .init(
                    id: id * 100 + Int64(order.refunds.count), orderId: id, createdAt: now, note: "Customer return",
                    restock: true, transactionId: id * 1000 + Int64(order.refunds.count),
                    amount: StorefrontOrderFactory.money(amount)))
            order.refunds[order.refunds.count - 1].refundLineItems = refundLines(of: order, full: full)
            order.financialStatus = full ? "refunded" : "partially_refunded"
            topics = ["orders/updated"]
        case .addReplacementItem:
            guard order.fulfillmentStatus.value != "fulfilled", order.cancelledAt.value == nil else {
                throw SimulatorError.invalidTransition(order: String(id), action: "edit a shipped or cancelled order")
            }
            let edit = addReplacement(to: &order, at: now)
            order.updatedAt = now
            orders[id] = order
            return [edit] + webhooks(for: order, topics: ["orders/updated"])
        case .setFinancialStatus(let status):
            order.financialStatus = status
            topics = ["orders/updated"]
        }
        order.updatedAt = now
        orders[id] = order
        return webhooks(for: order, topics: topics)
    }

    /// The store clock (the time of the latest change).
    public func now() -> Date { clock }

    /// Changes order `id` by hand, as support staff editing it in the admin would: no webhook is sent.
    /// Advances the clock and sets `updated_at`. Returns the changed order.
    /// - Throws: `SimulatorError.unknownOrder`.
    @discardableResult
    public func edit(
        _ id: Int64, _ change: @Sendable (inout ShopifyOrderDocument) -> Void
    ) throws -> ShopifyOrderDocument {
        guard var order = orders[id] else { throw SimulatorError.unknownOrder(String(id)) }
        advance()
        change(&order)
        order.updatedAt = SimulatorTime.string(clock)
        orders[id] = order
        return order
    }

    private func advance() {
        clock = clock.addingTimeInterval(tick)
    }

    private func fulfillment(
        for order: ShopifyOrderDocument, lines: [(ShopifyOrderDocument.LineItem, Int)], at time: String
    ) -> ShopifyOrderDocument.Fulfillment {
        let id = order.id * 10 + Int64(order.fulfillments.count)
        let tracking = "1Z999AA1\(String(format: "%010lld", id % 10_000_000_000))"
        return .init(
            id: id, orderId: order.id, status: "success", createdAt: time, updatedAt: time,
            trackingCompany: "UPS", trackingNumber: tracking, trackingNumbers: [tracking],
            trackingUrl: "https://www.ups.com/track?tracknum=\(tracking)", shipmentStatus: Nullable(nil),
            lineItemIds: lines.map(\.0.id),
            lineItems: lines.map { .init(id: $0.0.id, sku: $0.0.sku, quantity: $0.1) })
    }

    private func webhooks(for order: ShopifyOrderDocument, topics: [String]) -> [WebhookDelivery] {
        let body = (try? order.jsonBytes()) ?? []
        let eventID = String(nextEventID)
        nextEventID += 1
        let updatedAt = SimulatorTime.date(order.updatedAt) ?? clock
        return topics.map { topic in
            WebhookDelivery(
                topic: topic, body: body, webhookID: UUID().uuidString.lowercased(), eventID: eventID,
                triggeredAt: clock, orderID: order.id, orderUpdatedAt: updatedAt)
        }
    }
}
