import DriftlessOperations
import Foundation
import Simulators
import Synchronization

/// The chaos run's traffic: the storefront simulator's lifecycles (checkout, payment, fulfilments,
/// cancellations, refunds), made up front from the seed, their signed webhooks shuffled locally,
/// some duplicated and some late, sent at a steady pace to both ingest replicas; and marketplace
/// orders created at a steady pace for the poller to find. Records which webhook was answered 2xx.
final class ChaosWorkload: Sendable {
    /// The storefront side, made up front.
    struct Plan: Sendable {
        var schedule: [WebhookDelivery] = []
        var storefrontIDs: [Int64] = []
        var duplicated = 0
        var late = 0
    }

    /// What was acknowledged: webhook id → (order, first 2xx).
    private let acknowledged = Mutex<[String: (order: Int64, at: Date)]>([:])
    /// Webhook deliveries that never got a 2xx before giving up.
    private let unanswered = Mutex<[String]>([])
    /// Marketplace order id → when it was created.
    private let marketplaceCreated = Mutex<[String: Date]>([:])

    let secret: String

    init(secret: String) {
        self.secret = secret
    }

    /// Lifecycles of `count` storefront orders (the demo's ordinary ones, no injected drift): shuffled
    /// in windows of 40, 5 % sent twice, 2 % held back to the end.
    static func plan(count: Int, store: StorefrontStore, seed: UInt64) async throws -> Plan {
        var random = SeededRandom(seed: seed)
        var plan = Plan()
        var sent: [WebhookDelivery] = []
        for _ in 0..<count {
            var life = DemoLifecycle(store: store)
            plan.storefrontIDs.append(try await life.create())
            try await life.normal(choice: random.next() % 10)
            sent += life.sent
        }
        let outcome = DemoScenario.arrivals(sent, random: &random)
        plan.schedule = outcome.schedule
        plan.duplicated = outcome.duplicated.count
        plan.late = outcome.late.count
        return plan
    }

    /// Sends `schedule` evenly over `seconds` to the ingest replicas `targets()` names (round robin; a
    /// delivery that gets no 2xx goes to the next replica after a back-off, as Shopify retries), with
    /// up to `concurrency` deliveries in flight. Gives a delivery up after `giveUpAfter`.
    func sendStorefront(
        _ schedule: [WebhookDelivery], seconds: Double, concurrency: Int = 48, giveUpAfter: Duration,
        targets: @escaping @Sendable () -> [String]
    ) async {
        guard !schedule.isEmpty else { return }
        let start = ContinuousClock.now
        let spacing = seconds / Double(schedule.count)
        let cursor = ChaosCursor(limit: schedule.count)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while let index = cursor.next() {
                        try? await Task.sleep(until: start + .milliseconds(Int64(Double(index) * spacing * 1000)))
                        await self.deliver(schedule[index], index: index, giveUpAfter: giveUpAfter, targets: targets)
                    }
                }
            }
        }
    }

    private func deliver(
        _ delivery: WebhookDelivery, index: Int, giveUpAfter: Duration, targets: @Sendable () -> [String]
    ) async {
        let deadline = ContinuousClock.now + giveUpAfter
        var backoff = Duration.milliseconds(200)
        var attempt = index
        while ContinuousClock.now < deadline, !Task.isCancelled {
            let urls = targets()
            if !urls.isEmpty {
                let url = urls[attempt % urls.count]
                let status = await WebhookDeliverer(targetURL: url, secret: secret).attemptOnce(delivery)
                if let status, (200..<300).contains(status) {
                    acknowledged.withLock { acks in
                        if acks[delivery.webhookID] == nil { acks[delivery.webhookID] = (delivery.orderID, Date()) }
                    }
                    return
                }
            }
            attempt += 1
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(2))
        }
        unanswered.withLock { $0.append(delivery.webhookID) }
    }

    /// Creates `rate` marketplace orders per second for `seconds`, each in its final status at once,
    /// last updated 118 s ago: the poller reads up to two minutes before now (SP-API's rule), so it
    /// finds each within a few seconds, after its checkpoint.
    func sendMarketplace(store: MarketplaceStore, rate: Double, seconds: Double, seed: UInt64) async {
        guard rate > 0 else { return }
        var random = SeededRandom(seed: seed)
        let start = ContinuousClock.now
        let count = Int(rate * seconds)
        for index in 0..<count {
            try? await Task.sleep(until: start + .milliseconds(Int64(Double(index) / rate * 1000)))
            if Task.isCancelled { return }
            let created = Date()
            let stamp = created.addingTimeInterval(-118)
            let id = await store.createOrder(status: "Pending", at: stamp)
            let status = DemoScenario.marketplaceStatus(roll: random.next())
            if let status { try? await store.setStatus(status, of: id, at: stamp) }
            marketplaceCreated.withLock { $0[id] = created }
        }
    }

    /// Webhooks answered 2xx.
    var acknowledgedCount: Int { acknowledged.withLock { $0.count } }
    /// Webhook deliveries given up without a 2xx.
    var unansweredIDs: [String] { unanswered.withLock { $0 } }
    /// Storefront order → the last time one of its webhooks was first acknowledged.
    var lastAcknowledgement: [Int64: Date] {
        acknowledged.withLock { acks in
            var last: [Int64: Date] = [:]
            for (_, ack) in acks { last[ack.order] = max(last[ack.order] ?? .distantPast, ack.at) }
            return last
        }
    }
    /// Marketplace order → when it was created.
    var marketplaceOrders: [String: Date] { marketplaceCreated.withLock { $0 } }
}

/// A shared index over a schedule for parallel senders.
private final class ChaosCursor: Sendable {
    private let position = Mutex(0)
    let limit: Int

    init(limit: Int) { self.limit = limit }

    func next() -> Int? {
        position.withLock { value in
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}
