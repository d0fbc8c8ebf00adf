import Foundation
import Kafka
import Ledger
import Logging
import OrderModel

/// Dispatch's logic on the stage skeleton. An actor: its state is the ERP view of each order it
/// dispatched (kept up to date as its writes land), so an order's next change plans without reading
/// the ERP again; partitions moving (``reset()``) or an uncertain outcome forgets it.
///
/// plan: decode the batch's canonical events (what does not decode is quarantined) → group them by
/// order → dispatch the orders concurrently (at most `maxConcurrentOrders`; the ERP client bounds
/// the requests), each order's events strictly in order (``OrderDispatcher``). The skeleton plans
/// one batch at a time, so an order's events in the next batch start only after these are done.
/// Every write has landed (or the event was given up on) before the batch is acknowledged.
/// outputs: quarantine records for events the ERP refused or kept failing. settle: the
/// `dispatched` audit rows.
actor DispatchLogic: StageLogic {
    struct Plan: Sendable {
        var quarantined: [StageOutput] = []
        var sources: [Int] = []
        var audit: [AuditRecord] = []
        var counts = StageCounts()
        /// Events left unfinished (the stage is stopping, or their partition moved): not acknowledged.
        var unfinished: Set<Int> = []
    }

    /// A stop interrupts dispatch between writes; what landed is audited and the finished events
    /// acknowledged, the rest is left for the next owner.
    static var settlesPlansMadeWhileStopping: Bool { true }

    private let dispatcher: OrderDispatcher
    private let owns: @Sendable (KafkaMessage) -> Bool
    /// Each order's ERP view and when it was last read from the ERP.
    private var views: [OrderKey: (view: OrderDispatcher.KnownView, read: ContinuousClock.Instant)] = [:]
    /// Beyond this many cached views the cache starts again (a view costs one read to rebuild).
    static let maxCachedViews = 100_000

    init(dispatcher: OrderDispatcher, owns: @escaping @Sendable (KafkaMessage) -> Bool) {
        self.dispatcher = dispatcher
        self.owns = owns
    }

    func plan(_ batch: [KafkaMessage], context: StageContext) async -> Plan? {
        var plan = Plan()
        var orders: [OrderKey: [(index: Int, event: CanonicalEvent)]] = [:]
        var sequence: [OrderKey] = []
        for (index, message) in batch.enumerated() {
            do {
                let event = try CanonicalEvent.decoder.decode(CanonicalEvent.self, from: Data(message.value ?? []))
                if orders[event.orderKey] == nil { sequence.append(event.orderKey) }
                orders[event.orderKey, default: []].append((index, event))
            } catch {
                plan.quarantined.append(
                    DispatchRecords.undecodable(message, error, topics: context.topics, replica: context.replica))
                plan.sources.append(index)
            }
        }
        let results = await dispatchAll(sequence, orders, batch: batch, context: context)
        var outcomes: [(index: Int, event: CanonicalEvent, result: DispatchResult)] = []
        for (key, (eventResults, known, read)) in results {
            views[key] = known.map { ($0, read) }
            let events = orders[key] ?? []
            for (position, result) in eventResults.enumerated() where position < events.count {
                outcomes.append((events[position].index, events[position].event, result))
            }
        }
        if views.count > Self.maxCachedViews { views = [:] }
        outcomes.sort { $0.index < $1.index }
        for (index, event, result) in outcomes {
            let message = batch[index]
            plan.audit += DispatchRecords.audit(event, message, result, replica: context.replica)
            plan.counts.effects += result.applied.count
            switch result {
            case .done(let applied, let blocked, let unmatched):
                if applied.isEmpty { plan.counts.upToDate += 1 }
                if let blocked {
                    plan.counts.withheld += 1
                    context.logger.warning(
                        "Pattern 4: fulfilment release withheld, the order was cancelled upstream; cancelling in the ERP instead",
                        metadata: ["order": "\(event.orderKey)", "why": "\(blocked)"])
                }
                if !unmatched.isEmpty {
                    plan.counts.unmatchedPayments += unmatched.count
                    context.logger.warning(
                        "Pattern 5: ERP payments with no matching channel capture (reported, not matched)",
                        metadata: ["order": "\(event.orderKey)", "payments": "\(unmatched)"])
                }
            case .permanent, .exhausted:
                if case .permanent = result { plan.counts.refused += 1 } else { plan.counts.exhausted += 1 }
                if let output = DispatchRecords.quarantine(
                    message, result, topics: context.topics, replica: context.replica)
                {
                    context.logger.error(
                        "ERP dispatch gave up on an event; quarantined with the reason",
                        metadata: ["order": "\(event.orderKey)", "reason": "\(output.audit.detail ?? "")"])
                    plan.quarantined.append(output)
                    plan.sources.append(index)
                }
            case .abandoned:
                plan.unfinished.insert(index)
            }
        }
        return plan
    }

    /// Dispatches each order's events, up to `maxConcurrentOrders` orders at once.
    private func dispatchAll(
        _ sequence: [OrderKey], _ orders: [OrderKey: [(index: Int, event: CanonicalEvent)]], batch: [KafkaMessage],
        context: StageContext
    ) async -> [OrderKey: ([DispatchResult], OrderDispatcher.KnownView?, ContinuousClock.Instant)] {
        let dispatcher = self.dispatcher
        let owns = self.owns
        let limit = dispatcher.policy.maxConcurrentOrders
        let fresh = ContinuousClock.now - dispatcher.policy.viewTTL
        let cached = views
        typealias Done = (OrderKey, [DispatchResult], OrderDispatcher.KnownView?, ContinuousClock.Instant)
        return await withTaskGroup(of: Done.self) { group in
            var next = sequence.makeIterator()
            func add() -> Bool {
                guard let key = next.next() else { return false }
                let events = orders[key] ?? []
                let messages = events.map { batch[$0.index] }
                let entry = cached[key].flatMap { $0.read > fresh ? $0 : nil }
                group.addTask {
                    let read = entry?.read ?? .now
                    let (results, after) = await dispatcher.dispatch(
                        events.map(\.event), known: entry?.view, owns: { owns(messages[$0]) },
                        isStopping: context.isStopping)
                    return (key, results, after, read)
                }
                return true
            }
            var started = 0
            while started < limit, add() { started += 1 }
            var results: [OrderKey: ([DispatchResult], OrderDispatcher.KnownView?, ContinuousClock.Instant)] = [:]
            for await (key, eventResults, known, read) in group {
                results[key] = (eventResults, known, read)
                _ = add()
            }
            return results
        }
    }

    nonisolated func outputs(_ plan: Plan) -> StageOutputs {
        StageOutputs(records: plan.quarantined.map(\.record), sources: plan.sources)
    }

    func settle(
        _ batch: [KafkaMessage], _ plan: Plan, undeliverable: [(index: Int, output: StageOutput)],
        context: StageContext
    ) async -> StageSettlement {
        var quarantined = plan.quarantined
        for (index, output) in undeliverable { quarantined[index] = output }
        var counts = plan.counts
        counts.quarantined = quarantined.count
        return .settled(audit: plan.audit + quarantined.map(\.audit), counts: counts, unfinished: plan.unfinished)
    }

    func reset() {
        views = [:]
    }
}
