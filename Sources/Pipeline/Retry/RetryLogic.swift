import Foundation
import Kafka
import Ledger
import Logging
import OrderModel

/// The retry stage's logic, an effect kind (see "Retry tiers and per-order parking" in
/// docs/ARCHITECTURE.md).
///
/// plan (pure): per partition, the records up to the first one not yet due; that one's partition
/// is paused until it is due and it is delivered again then
/// (``KafkaConsumer/pause(redeliveringFrom:until:)``: never a sleep in the handler, never a busy
/// poll); the due records by order, their SKUs looked up in the ERP (reads only), and their orders'
/// holds. perform: each due record is its order's head: it is dispatched again; when it lands or
/// is dead-lettered the events parked behind it follow in order (``RetryDrain``); when it fails
/// again it climbs to the next tier (or, after the last, the dead-letter topic) and the order stays
/// held. A record whose event is no longer its order's head is stale (it landed already, or a
/// replay superseded it) and is skipped. Orders go concurrently, each order's records strictly in
/// order. Records this stage writes are sent through the stage's ``BatchDelivery`` and
/// acknowledged (or quarantined, when the broker refuses them for good) before the ledger moves on
/// (a crash in between repeats the step; every ERP effect is an idempotent upsert), so the runner
/// produces nothing itself.
public actor RetryLogic: EffectLogic {
    struct Plan: Sendable {
        /// Each order's due records (batch index, record) in batch order, with the order's hold.
        var work: [(order: String, messages: [(Int, KafkaMessage)], hold: OrderHold?)] = []
        var counts = StageCounts()
        /// Records not due yet (redelivered when due): not acknowledged.
        var unfinished: Set<Int> = []
    }

    struct Outcome: Sendable {
        var audit: [AuditRecord] = []
        var counts = StageCounts()
        var unfinished: Set<Int> = []
    }

    let drain: RetryDrain
    /// How late due records were handled (milliseconds past their due time), the latest 100k.
    private var lateness: [Int] = []
    private var latenessNext = 0
    static let latenessSamples = 100_000
    private let pause: @Sendable (KafkaMessage, Date) -> Void
    private let maxConcurrentOrders: Int

    /// The tiers this replica reads.
    let tiers: [RetryTier]
    /// The way out of orphaned holds, run beside the records (``HoldSweep``).
    let sweep: HoldSweep

    init(
        drain: RetryDrain, tiers: [RetryTier], sweep: HoldSweep, maxConcurrentOrders: Int,
        pause: @escaping @Sendable (KafkaMessage, Date) -> Void
    ) {
        self.drain = drain
        self.tiers = tiers
        self.sweep = sweep
        self.maxConcurrentOrders = max(1, maxConcurrentOrders)
        self.pause = pause
    }

    func plan(_ batch: [KafkaMessage], context: StageContext) async -> Plan? {
        var plan = Plan()
        let now = Date()
        // Per partition (offset order within a batch), the records up to the first one not yet due.
        var partitions: [String: [Int]] = [:]
        var partitionOrder: [String] = []
        for (index, message) in batch.enumerated() {
            let key = "\(message.topic)/\(message.partition)"
            if partitions[key] == nil { partitionOrder.append(key) }
            partitions[key, default: []].append(index)
        }
        var due: [Int] = []
        for key in partitionOrder {
            let indices = partitions[key] ?? []
            for (position, index) in indices.enumerated() {
                let dueAt = RetryHeaders(batch[index])?.due ?? now
                if dueAt.timeIntervalSince(now) > 0.002 {
                    pause(batch[index], dueAt)
                    plan.counts.notDue += 1
                    for later in indices[position...] { plan.unfinished.insert(later) }
                    break
                }
                let late = Int(now.timeIntervalSince(dueAt) * 1000)
                plan.counts.maxLatenessMs = max(plan.counts.maxLatenessMs, late)
                if lateness.count < Self.latenessSamples {
                    lateness.append(late)
                } else {
                    lateness[latenessNext] = late
                    latenessNext = (latenessNext + 1) % lateness.count
                }
                due.append(index)
            }
        }
        // The due records by order, in batch order.
        var orders: [String: [Int]] = [:]
        var sequence: [String] = []
        for index in due {
            let message = batch[index]
            let key = message.keyString ?? RetryDrain.orderKey(of: message) ?? "\(message.topic)/\(message.offset)"
            if orders[key] == nil { sequence.append(key) }
            orders[key, default: []].append(index)
        }
        // SKUs the mapping does not map: looked up in the ERP once for the batch, as at dispatch (a
        // read that fills the dispatcher's item cache).
        await drain.lookUpItems(due.map { batch[$0] }, context: context)
        let parking = drain.parking
        let keys = sequence
        guard
            let holds = await retryUntilStopped(
                "retry: read held orders", logger: context.logger, shouldStop: context.isStopping,
                { try await parking.holdStates(orders: keys) })
        else { return nil }
        plan.work = keys.map { key in (key, (orders[key] ?? []).map { ($0, batch[$0]) }, holds[key]) }
        return plan
    }

    func perform(_ plan: Plan, _ batch: [KafkaMessage], context: StageContext) async -> Outcome? {
        var outcome = Outcome(counts: plan.counts, unfinished: plan.unfinished)
        let outcomes = await Self.handleAll(plan.work, drain: drain, limit: maxConcurrentOrders, context: context)
        for done in outcomes {
            outcome.audit += done.audit
            outcome.counts.add(done.counts)
            outcome.unfinished.formUnion(done.unfinished)
        }
        return outcome
    }

    /// The due-time error so far: how late due records were handled (p50, p99, max; milliseconds).
    var dueTimeError: (p50: Int, p99: Int, max: Int, count: Int) {
        let sorted = lateness.sorted()
        guard let last = sorted.last else { return (0, 0, 0, 0) }
        return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)], last, sorted.count)
    }

    /// Handles each order's records, up to `limit` orders at once.
    private static func handleAll(
        _ work: [(order: String, messages: [(Int, KafkaMessage)], hold: OrderHold?)], drain: RetryDrain, limit: Int,
        context: StageContext
    ) async -> [RetryDrain.Outcome] {
        await withTaskGroup(of: RetryDrain.Outcome.self) { group in
            var outcomes: [RetryDrain.Outcome] = []
            var next = 0
            while next < work.count || !group.isEmpty {
                while next < work.count, next - outcomes.count < limit {
                    let (key, messages, hold) = work[next]
                    group.addTask { await drain.handle(order: key, messages, hold: hold, context: context) }
                    next += 1
                }
                if let outcome = await group.next() { outcomes.append(outcome) }
            }
            return outcomes
        }
    }

    func settle(
        _ batch: [KafkaMessage], _ outcome: Outcome, undeliverable: [(index: Int, output: StageOutput)],
        context: StageContext
    ) async -> StageSettlement {
        .settled(audit: outcome.audit, counts: outcome.counts, unfinished: outcome.unfinished)
    }

    func reset() {}
}
