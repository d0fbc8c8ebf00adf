import Foundation
import Simulators

/// Realistic Shopify lifecycles made on the storefront simulator, one webhook sequence per order (in
/// the order Shopify sends them), then each order's sequence shuffled within windows and duplicated.
struct ConvergenceScenario {
    /// One order's life.
    struct Order {
        var id: Int64
        var kind: Kind
        /// Its webhooks in sending order.
        var deliveries: [WebhookDelivery]
        /// The window its deliveries are shuffled in (1: in order).
        var window = 1
        /// What is sent: shuffled within windows, with duplicates.
        var schedule: [WebhookDelivery] = []
    }

    /// The lifecycles: stays pending; paid; paid, cancelled and refunded; shipped then partly refunded;
    /// shipped in two parts; shipped, returned and partly refunded; shipped in two parts and refunded
    /// in two parts; cancelled unpaid.
    enum Kind: CaseIterable {
        case pending, paid, cancelledRefunded, shippedPartlyRefunded, splitShipment, returned, splitRefunds
        case cancelledUnpaid
    }

    var orders: [Order] = []

    /// `count` orders, the kinds in turn; the window sizes of a kind's orders go round 1…length, so
    /// every window size from 1 to each lifecycle's length is used.
    static func make(store: StorefrontStore, count: Int, seed: UInt64) async throws -> ConvergenceScenario {
        var scenario = ConvergenceScenario()
        var random = SeededRandom(seed: seed)
        var perKind: [Kind: Int] = [:]
        for index in 0..<count {
            let kind = Kind.allCases[index % Kind.allCases.count]
            var order = try await life(kind, store: store)
            let turn = perKind[kind, default: 0]
            perKind[kind] = turn + 1
            order.window = 1 + turn % order.deliveries.count
            order.schedule = shape(order.deliveries, window: order.window, random: &random)
            scenario.orders.append(order)
        }
        return scenario
    }

    /// Every window size each kind's orders used.
    var windows: [Kind: Set<Int>] {
        orders.reduce(into: [:]) { $0[$1.kind, default: []].insert($1.window) }
    }

    private static func life(_ kind: Kind, store: StorefrontStore) async throws -> Order {
        let (id, created) = await store.createOrder(paid: false)
        var sent = created
        func act(_ action: StorefrontAction) async throws { sent += try await store.apply(action, to: id) }
        func pay() async throws {
            // The capture transaction is in the order before `orders/paid` goes out (as the demo does).
            try await store.edit(id) { order in
                order.transactions = [
                    .init(
                        id: id * 7, kind: "capture", status: "success", gateway: "shopify_payments",
                        authorization: "ch_\(id)", amount: order.totalPrice)
                ]
            }
            try await act(.pay)
        }
        func startReturn() async throws {
            // A return requested by the customer: Shopify reports it on the order (`orders/updated`).
            let order = try await store.edit(id) { $0.returnStatus = "RETURN_REQUESTED" }
            sent.append(
                WebhookDelivery(
                    topic: "orders/updated", body: try order.jsonBytes(), webhookID: UUID().uuidString.lowercased(),
                    eventID: "return-\(id)", triggeredAt: await store.now(), orderID: id,
                    orderUpdatedAt: await store.now()))
        }
        switch kind {
        case .pending:
            try await act(.editTags("vip"))
        case .paid:
            try await pay()
            try await act(.editTags("vip"))
        case .cancelledRefunded:
            try await pay()
            try await act(.editTags("gift"))
            try await act(.cancel(reason: "customer"))
            try await act(.refund(full: true))
        case .shippedPartlyRefunded:
            try await pay()
            try await act(.fulfill)
            try await act(.refund(full: false))
        case .splitShipment:
            try await pay()
            try await act(.fulfillPartially)
            try await act(.fulfill)
            try await act(.editTags("delivered"))
        case .returned:
            try await pay()
            try await act(.fulfill)
            try await startReturn()
            try await act(.refund(full: false))
        case .splitRefunds:
            try await pay()
            try await act(.fulfillPartially)
            try await act(.fulfill)
            try await act(.refund(full: false))
            try await act(.refund(full: true))
        case .cancelledUnpaid:
            try await act(.cancel(reason: "inventory"))
        }
        return Order(id: id, kind: kind, deliveries: sent)
    }

    /// Shuffles `deliveries` within consecutive windows of `window`, then sends about a fifth of them
    /// twice (same webhook id, as Shopify redelivers), each copy somewhere after the original.
    static func shape(_ deliveries: [WebhookDelivery], window: Int, random: inout SeededRandom) -> [WebhookDelivery] {
        var shuffled: [WebhookDelivery] = []
        var start = 0
        while start < deliveries.count {
            var part = Array(deliveries[start..<min(deliveries.count, start + window)])
            part.shuffle(using: &random)
            shuffled += part
            start += window
        }
        var schedule = shuffled
        for delivery in shuffled where random.next() % 5 == 0 {
            guard let at = schedule.firstIndex(of: delivery) else { continue }
            let position = at + 1 + Int(random.next() % UInt64(schedule.count - at))
            schedule.insert(delivery, at: position)
        }
        return schedule
    }
}
