import Foundation
import Kafka
import Ledger
import Logging
import OrderModel

/// Dispatch's logic, an effect kind. An actor: its state is the ERP view of each order it
/// dispatched (kept up to date as its writes land), so an order's next change plans without reading
/// the ERP again; partitions moving (``reset()``) or an uncertain outcome forgets it.
///
/// plan (pure): decode the batch's canonical events (what does not decode is quarantined) → group
/// them by order → read which orders are held. perform (the effects): park the events of held
/// orders → dispatch the other orders concurrently (at most `maxConcurrentOrders`; the ERP client
/// bounds the requests), each order's events strictly in order (``OrderDispatcher``). The skeleton
/// handles one batch at a time, so an order's events in the next batch start only after these are
/// done. Every write has landed (or the event was routed on) before the batch is acknowledged; a
/// stop interrupts dispatch between writes, and what landed is still audited and the finished
/// events acknowledged (the rest is left for the next owner).
///
/// Per-order parking: an order whose event is in the retry tiers is held (``ParkingStore``); its
/// later events are parked behind it instead of dispatched, and follow it from the retry stage.
/// An event that fails transiently beyond the in-place attempts holds its order (before its retry
/// record is written) and the order's later events of the batch are parked.
/// outputs: retry-tier records (transient), dead-letter records (refused for good), quarantine
/// records (undecodable). settle: the `dispatched` / `retried` / `dead_lettered` audit rows.
public actor DispatchLogic: EffectLogic {
    struct Plan: Sendable {
        /// The batch's events by order, and the orders in the order they first appear.
        var orders: [OrderKey: [Indexed]] = [:]
        var sequence: [OrderKey] = []
        /// The held orders' heads, by order key.
        var holds: [String: String] = [:]
        /// Quarantine records of the events that do not decode, and their input indices.
        var quarantined: [StageOutput] = []
        var quarantineSources: [Int] = []
    }

    struct Outcome: Sendable {
        var quarantined: [StageOutput] = []
        /// Retry-tier and dead-letter records.
        var routed: [StageOutput] = []
        /// The input index of each quarantined and each routed record.
        var quarantineSources: [Int] = []
        var routedSources: [Int] = []
        /// The hold generation each routed retry record carries (nil: a dead-letter record).
        var routedGenerations: [Int64?] = []
        var audit: [AuditRecord] = []
        var counts = StageCounts()
        /// Events left unfinished (the stage is stopping, or their partition moved): not acknowledged.
        var unfinished: Set<Int> = []
    }

    let dispatcher: OrderDispatcher
    private let parking: any ParkingStore
    private let tiers: [RetryTier]
    let owns: @Sendable (KafkaMessage) -> Bool
    /// Each order's ERP view and when it was last read from the ERP.
    var views: [OrderKey: (view: OrderDispatcher.KnownView, read: ContinuousClock.Instant)] = [:]
    /// Beyond this many cached views the cache starts again (a view costs one read to rebuild).
    static let maxCachedViews = 100_000

    init(
        dispatcher: OrderDispatcher, parking: any ParkingStore, tiers: [RetryTier],
        owns: @escaping @Sendable (KafkaMessage) -> Bool
    ) {
        self.dispatcher = dispatcher
        self.parking = parking
        self.tiers = tiers
        self.owns = owns
    }

    typealias Indexed = (index: Int, event: CanonicalEvent)

    func plan(_ batch: [KafkaMessage], context: StageContext) async -> Plan? {
        var plan = Plan()
        for (index, message) in batch.enumerated() {
            do {
                let event = try CanonicalEvent.decoder.decode(CanonicalEvent.self, from: Data(message.value ?? []))
                if plan.orders[event.orderKey] == nil { plan.sequence.append(event.orderKey) }
                plan.orders[event.orderKey, default: []].append((index, event))
            } catch {
                plan.quarantined.append(
                    DispatchRecords.undecodable(message, error, topics: context.topics, replica: context.replica))
                plan.quarantineSources.append(index)
            }
        }
        // Orders with an event in the retry tiers: their events wait behind it (parked).
        let parking = self.parking
        let keys = plan.sequence.map(\.description)
        guard
            let holds = await retryUntilStopped(
                "dispatch: read held orders", logger: context.logger, shouldStop: context.isStopping,
                { try await parking.holds(orders: keys) })
        else { return nil }
        plan.holds = holds
        return plan
    }

    func perform(_ plan: Plan, _ batch: [KafkaMessage], context: StageContext) async -> Outcome? {
        var outcome = Outcome(quarantined: plan.quarantined, quarantineSources: plan.quarantineSources)
        var orders = plan.orders
        var free: [OrderKey] = []
        for key in plan.sequence {
            guard let head = plan.holds[key.description] else {
                free.append(key)
                continue
            }
            let events = orders[key] ?? []
            guard let rest = await parkBehind(head: head, events, batch: batch, outcome: &outcome, context: context)
            else { return nil }
            if !rest.isEmpty {
                orders[key] = rest  // released meanwhile: these go now
                free.append(key)
            }
        }
        // SKUs the mapping does not map: looked up in the ERP once for the batch (``DispatchItemCheck``).
        let wanted = DispatchItemCheck.skus(free.flatMap { orders[$0] ?? [] }, batch: batch)
        let unknown = await DispatchItemCheck.unknown(wanted, dispatcher: dispatcher, context: context)
        free = DispatchItemCheck.quarantine(
            unknown: unknown, free: free, orders: &orders, batch: batch, outcome: &outcome, context: context)
        let results = await dispatchAll(free, orders, batch: batch, context: context)
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
        // An event that went to the retry tiers holds its order before its retry record is written,
        // and the events after it are parked behind it.
        var heads: [OrderKey: String] = [:]
        for (index, event, result) in outcomes {
            let message = batch[index]
            var generation: Int64?
            if case .exhausted = result {
                guard let armed = await arm(event, message, context: context) else { return nil }
                generation = armed
                heads[event.orderKey] = event.eventID
            }
            if case .deferred = result {
                guard let head = heads[event.orderKey],
                    let rest = await parkBehind(
                        head: head, [(index, event)], batch: batch, outcome: &outcome, context: context), rest.isEmpty
                else {
                    outcome.unfinished.insert(index)
                    continue
                }
                continue
            }
            record(event, message, result, index: index, outcome: &outcome, context: context, generation: generation)
        }
        return outcome
    }

    /// Holds `event`'s order with it as the head (its record kept for the hold sweep), at a new
    /// generation its retry record will carry; nil when the stage is stopping.
    private func arm(_ event: CanonicalEvent, _ message: KafkaMessage, context: StageContext) async -> Int64? {
        let parking = self.parking
        let order = event.orderKey.description
        let head = ParkedEvent(message, orderKey: order, eventID: event.eventID)
        return await retryUntilStopped(
            "dispatch: hold an order", logger: context.logger, shouldStop: context.isStopping,
            { try await parking.arm(order: order, head: head, expecting: nil) ?? 0 })
    }

    /// Parks `events` (one order's, in order) behind the order's head; the head itself, read again
    /// (its retry record may never have been written), goes to the first tier again. Returns the
    /// events from the first one that could not be parked (the hold was released meanwhile: they
    /// are dispatched now), or nil when the stage is stopping.
    private func parkBehind(
        head: String, _ events: [Indexed], batch: [KafkaMessage], outcome: inout Outcome, context: StageContext
    ) async -> [Indexed]? {
        for (position, (index, event)) in events.enumerated() {
            let message = batch[index]
            if event.eventID == head {
                let again = DispatchResult.exhausted(
                    effect: nil, attempts: 0, lastStatus: nil, retryAfter: nil,
                    detail: "read again while its order was held: back to the first tier", applied: [])
                // A new generation: the record(s) of the earlier chain become stale, so one chain drains.
                guard let generation = await arm(event, message, context: context) else { return nil }
                record(event, message, again, index: index, outcome: &outcome, context: context, generation: generation)
                continue
            }
            let parking = self.parking
            let parkedEvent = ParkedEvent(message, orderKey: event.orderKey.description, eventID: event.eventID)
            let parked = await retryUntilStopped(
                "dispatch: park an event", logger: context.logger, shouldStop: context.isStopping,
                { try await parking.park(parkedEvent) })
            guard let parked else { return nil }
            guard parked else { return Array(events[position...]) }
            outcome.counts.parked += 1
            outcome.audit.append(
                AuditRecord(
                    hop: .retried, orderKey: event.orderKey.description, channel: event.channel.rawValue,
                    eventID: event.eventID, stage: StageName.dispatch.rawValue, replica: context.replica,
                    topic: message.topic, partition: message.partition, offset: message.offset,
                    toState: event.state.rawValue, reason: "parked",
                    detail: "parked behind \(head), which is in the retry tiers", traceID: event.traceID))
        }
        return []
    }

    /// Adds what `result` means for the plan: audit rows, counts, and the retry-tier or dead-letter record.
    private func record(
        _ event: CanonicalEvent, _ message: KafkaMessage, _ result: DispatchResult, index: Int, outcome: inout Outcome,
        context: StageContext, generation: Int64? = nil
    ) {
        outcome.audit += DispatchRecords.audit(event, message, result, replica: context.replica)
        outcome.counts.effects += result.applied.count
        switch result {
        case .done(let applied, let blocked, let unmatched, let review):
            if applied.isEmpty { outcome.counts.upToDate += 1 }
            if let review {
                context.logger.warning(
                    "the channel edited an order the ERP already fulfilled: a case for review",
                    metadata: ["order": "\(event.orderKey)", "why": "\(review)"])
                outcome.quarantined.append(
                    Quarantine.output(
                        message, rejection: .editAfterFulfilment(review), stage: .dispatch, topics: context.topics,
                        replica: context.replica))
                outcome.quarantineSources.append(index)
            }
            if let blocked {
                outcome.counts.withheld += 1
                context.logger.warning(
                    "Pattern 4: fulfilment release withheld, the order was cancelled upstream; cancelling in the ERP instead",
                    metadata: ["order": "\(event.orderKey)", "why": "\(blocked)"])
            }
            if !unmatched.isEmpty {
                outcome.counts.unmatchedPayments += unmatched.count
                context.logger.warning(
                    "Pattern 5: ERP payments with no matching channel capture (reported, not matched)",
                    metadata: ["order": "\(event.orderKey)", "payments": "\(unmatched)"])
            }
        case .permanent, .exhausted:
            if case .permanent = result { outcome.counts.refused += 1 } else { outcome.counts.exhausted += 1 }
            guard
                let (route, output) = DispatchRecords.route(
                    result, message, orderKey: event.orderKey.description, eventID: event.eventID, tiers: tiers,
                    context: context, counts: &outcome.counts)
            else { return }
            if case .retry = route, let generation {
                outcome.routed.append(HoldGeneration.stamped(output, generation))
                outcome.routedGenerations.append(generation)
            } else {
                outcome.routed.append(output)
                outcome.routedGenerations.append(nil)
            }
            outcome.routedSources.append(index)
        case .abandoned:
            outcome.unfinished.insert(index)
        case .deferred:
            break
        }
    }

    nonisolated func outputs(_ outcome: Outcome) -> StageOutputs {
        StageOutputs(
            records: (outcome.quarantined + outcome.routed).map(\.record),
            sources: outcome.quarantineSources + outcome.routedSources)
    }

    func settle(
        _ batch: [KafkaMessage], _ outcome: Outcome, undeliverable: [(index: Int, output: StageOutput)],
        context: StageContext
    ) async -> StageSettlement {
        var outputs = outcome.quarantined + outcome.routed
        for (index, output) in undeliverable {
            outputs[index] = output
            // A retry record the broker refused for good: its hold has no record on its way. The hold
            // forgets the head's record (it would be refused again) and is due for the sweep at once.
            let routed = index - outcome.quarantined.count
            guard routed >= 0, routed < outcome.routedGenerations.count,
                let generation = outcome.routedGenerations[routed]
            else { continue }
            let parking = self.parking
            let order = outcome.routed[routed].audit.orderKey
            guard
                await retryUntilStopped(
                    "dispatch: release a hold to the sweep", logger: context.logger, shouldStop: context.isStopping,
                    { try await parking.forgetHead(order: order, generation: generation) }) != nil
            else { return .gaveUp }
        }
        var counts = outcome.counts
        counts.quarantined = outputs.filter(\.quarantined).count
        return .settled(audit: outcome.audit + outputs.map(\.audit), counts: counts, unfinished: outcome.unfinished)
    }

    func reset() {
        views = [:]
    }
}
