import DriftlessOperations
import Foundation
import OrderModel
import Simulators

/// The demo's channel history, made up front from the seed: storefront orders with their webhooks (some
/// lost, some edited by hand afterwards) and marketplace orders the poller will find. Every random
/// choice comes from `settings.seed`, so the same seed makes the same orders, faults and delivery order.
struct DemoScenario: Sendable {
    /// The webhooks to send, in sending order (reordered locally, duplicates and late ones included).
    var schedule: [WebhookDelivery] = []
    /// Webhooks the storefront never delivered (the injected losses).
    var dropped = 0
    /// Deliveries sent twice, held back to the end, and arriving after a later change of their order.
    var duplicated = 0
    var late = 0
    var outOfOrder = 0
    /// The injected faults and the orders they hit.
    var injections: [DemoInjection] = []
    /// Every payment reference each storefront order ever captured (order key → references): the ERP
    /// may hold a deposit for each, and for no other.
    var captures: [String: Set<String>] = [:]
    /// Storefront order ids and marketplace order ids.
    var storefrontIDs: [Int64] = []
    var marketplaceIDs: [String] = []

    /// Seconds of storefront clock the scenario needs (the store's clock starts that far in the past).
    static func storefrontSeconds(orders: Int) -> TimeInterval { TimeInterval(orders * 10 + 600) }

    /// Makes the history on `storefront` and `marketplace`.
    static func make(
        settings: DemoSettings, storefront: StorefrontStore, marketplace: MarketplaceStore, now: Date
    ) async throws -> DemoScenario {
        var scenario = DemoScenario()
        var random = SeededRandom(seed: settings.seed)
        var faults: [Int: DemoInjection.Kind] = [:]
        var indices = Array(0..<settings.storefrontOrders)
        indices.shuffle(using: &random)
        for (offset, kind) in DemoInjection.Kind.allCases.enumerated() {
            for slot in 0..<settings.faultsPerKind {
                let position = offset * settings.faultsPerKind + slot
                if position < indices.count { faults[indices[position]] = kind }
            }
        }
        var byKind: [DemoInjection.Kind: [String]] = [:]
        var sent: [WebhookDelivery] = []
        for index in 0..<settings.storefrontOrders {
            var life = DemoLifecycle(store: storefront)
            let id = try await life.create()
            scenario.storefrontIDs.append(id)
            let key = "shopify:\(id)"
            if let kind = faults[index] {
                try await life.inject(kind)
                byKind[kind, default: []].append(key)
            } else {
                try await life.normal(choice: random.next() % 10)
            }
            sent += life.sent
            scenario.dropped += life.dropped
            scenario.captures[key] = life.captures
        }
        scenario.injections = DemoInjection.Kind.allCases.map { DemoInjection(kind: $0, orderKeys: byKind[$0] ?? []) }
        scenario.shape(sent, seed: random.next())
        scenario.marketplaceIDs = try await marketplaceOrders(
            settings.marketplaceOrders, store: marketplace, now: now, random: &random)
        return scenario
    }

    /// Near-simultaneous webhooks arrive in any order (shuffled in windows of 40), some twice, a few
    /// late (after everything else). The demo and `driftless chaos` deliver their webhooks this way.
    static func arrivals(_ deliveries: [WebhookDelivery], random: inout SeededRandom) -> WebhookFaultPlan.Outcome {
        var local: [WebhookDelivery] = []
        var start = 0
        while start < deliveries.count {
            var window = Array(deliveries[start..<min(deliveries.count, start + 40)])
            window.shuffle(using: &random)
            local += window
            start += 40
        }
        return WebhookFaultPlan(duplicateFraction: 0.05, lateFraction: 0.02, seed: random.next()).apply(to: local)
    }

    private mutating func shape(_ deliveries: [WebhookDelivery], seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let outcome = Self.arrivals(deliveries, random: &random)
        schedule = outcome.schedule
        duplicated = outcome.duplicated.count
        late = outcome.late.count
        var newest: [Int64: Date] = [:]
        for delivery in schedule {
            if let seen = newest[delivery.orderID], delivery.orderUpdatedAt < seen {
                outOfOrder += 1
            } else {
                newest[delivery.orderID] = delivery.orderUpdatedAt
            }
        }
    }

    /// A marketplace order's status after creation, from a random `roll`: 10 % stay pending (nil), 35 %
    /// unshipped, 10 % cancelled, 45 % shipped. The demo and `driftless chaos` share the mix.
    static func marketplaceStatus(roll: UInt64) -> String? {
        switch roll % 20 {
        case 0, 1: nil
        case 2...8: "Unshipped"
        case 9, 10: "Canceled"
        default: "Shipped"
        }
    }

    /// Marketplace orders last changed 60 to 30 minutes ago, in their current status (the poller's
    /// first window finds them): pending, unshipped, shipped, cancelled.
    private static func marketplaceOrders(
        _ count: Int, store: MarketplaceStore, now: Date, random: inout SeededRandom
    ) async throws -> [String] {
        var ids: [String] = []
        let start = now.addingTimeInterval(-3600)
        let spacing = count > 0 ? 1800 / Double(count) : 0
        for index in 0..<count {
            let created = start.addingTimeInterval(Double(index) * spacing)
            let id = await store.createOrder(status: "Pending", at: created)
            let status = marketplaceStatus(roll: random.next())
            if let status { try await store.setStatus(status, of: id, at: created.addingTimeInterval(60)) }
            ids.append(id)
        }
        return ids
    }
}
