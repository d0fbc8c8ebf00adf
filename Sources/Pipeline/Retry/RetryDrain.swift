import Foundation
import Kafka
import Ledger
import Logging
import OrderModel

/// What the retry stage does for one held order: dispatches its head again and, once the head
/// landed or was dead-lettered, the events parked behind it, in order, until the order is released
/// or one of them fails transiently and becomes the new head.
///
/// One chain drains an order: a record acts only while its order's hold is at the generation it was
/// written for (``HoldGeneration``); every step that moves the hold on (a new head, a release) is a
/// compare-and-set on that generation, and every parked event is dispatched only after the hold is
/// confirmed still at it. A chain that finds the hold moved on stops, and its record is stale.
///
/// Every step that moves the order on is made durable before the next: the hold's head moves to an
/// event (a new generation) before that event's retry record is written, and a record for a tier or
/// the dead-letter topic is acknowledged by the broker before the ledger forgets the parked event it
/// came from. A crash between two steps repeats the step or leaves a hold whose head is in no retry
/// topic, which the hold sweep re-arms (``HoldSweep``); ERP effects are idempotent upserts, so
/// nothing lands twice.
struct RetryDrain: Sendable {
    /// How one order's records of a batch ended.
    struct Outcome: Sendable {
        var audit: [AuditRecord] = []
        var counts = StageCounts()
        /// Batch indices not to acknowledge (stopping, or the partition moved).
        var unfinished: Set<Int> = []
    }

    let dispatcher: OrderDispatcher
    let parking: any ParkingStore
    let tiers: [RetryTier]
    let owns: @Sendable (KafkaMessage) -> Bool
    /// Parked events read at a time.
    static let drainPage = 100

    /// The order key a record's envelope names, when its key is missing.
    static func orderKey(of message: KafkaMessage) -> String? {
        guard let channel = message.header(EnvelopeHeader.channel)?.stringValue,
            let order = message.header(EnvelopeHeader.orderID)?.stringValue
        else { return nil }
        return "\(channel):\(order)"
    }

    /// Handles `messages` (one order's due retry records, in order); `hold` is the order's hold.
    func handle(
        order: String, _ messages: [(index: Int, message: KafkaMessage)], hold: OrderHold?, context: StageContext
    ) async -> Outcome {
        var outcome = Outcome()
        var hold = hold
        for (position, (index, message)) in messages.enumerated() {
            guard owns(message), !context.isStopping() else {
                for (later, _) in messages[position...] { outcome.unfinished.insert(later) }
                return outcome
            }
            let event: CanonicalEvent
            do {
                event = try CanonicalEvent.decoder.decode(CanonicalEvent.self, from: Data(message.value ?? []))
            } catch {
                // Cannot happen for records dispatch wrote; dead-letter it rather than loop.
                let result = DispatchResult.permanent(
                    effect: nil, status: 0, code: "MALFORMED", detail: "canonical event: \(error)", applied: [])
                var none: OrderHold?
                guard
                    await route(
                        result, message, order: order, eventID: "", hold: &none, into: &outcome, context: context)
                        != .stopped
                else {
                    outcome.unfinished.insert(index)
                    return outcome
                }
                continue
            }
            guard let current = hold else {
                outcome.counts.staleRetries += 1
                continue  // the order is not held: this retry landed already
            }
            if let written = HoldGeneration.of(message), written != current.generation {
                outcome.counts.staleRetries += 1
                continue  // another chain has the hold: this record was superseded
            }
            if current.headEventID != event.eventID {
                // Not the head. If the head is still parked, a step was cut short: drain again.
                let first = await ledgerStep(
                    "retry: read parked events", logger: context.logger, shouldStop: context.isStopping,
                    { try await parking.parked(order: order, limit: 1).first })
                switch first {
                case .stopped:
                    outcome.unfinished.insert(index)
                    return outcome
                case .refused:
                    break
                case .done(let parked):
                    if let parked, parked.eventID == current.headEventID {
                        guard await drainParked(order, after: message, into: &outcome, hold: &hold, context: context)
                        else {
                            outcome.unfinished.insert(index)
                            return outcome
                        }
                    }
                }
                outcome.counts.staleRetries += 1
                continue
            }
            // The SKU check dispatch makes (``checkItems``): quarantined, the order moves on.
            switch await checkItems(event, message, into: &outcome, context: context) {
            case .stopped:
                outcome.unfinished.insert(index)
                return outcome
            case .quarantined:
                guard await drainParked(order, after: message, into: &outcome, hold: &hold, context: context) else {
                    outcome.unfinished.insert(index)
                    return outcome
                }
                continue
            case .write: break
            }
            let (results, _) = await dispatcher.dispatch(
                [event], known: nil, owns: { _ in owns(message) }, isStopping: context.isStopping)
            let result = results.first ?? .abandoned(applied: [])
            outcome.audit += DispatchRecords.audit(event, message, result, replica: context.replica)
            outcome.counts.effects += result.applied.count
            switch result {
            case .abandoned, .deferred:
                outcome.unfinished.insert(index)
                return outcome
            case .exhausted, .permanent:
                // Next tier (the order stays held), or the dead-letter topic (the order moves on).
                switch await route(
                    result, message, order: order, eventID: event.eventID, hold: &hold, into: &outcome,
                    context: context)
                {
                case .stopped:
                    outcome.unfinished.insert(index)
                    return outcome
                case .retried, .superseded:
                    continue
                case .deadLettered, .nothing:
                    break
                }
            case .done:
                outcome.counts.upToDate += result.applied.isEmpty ? 1 : 0
            }
            guard await drainParked(order, after: message, into: &outcome, hold: &hold, context: context) else {
                outcome.unfinished.insert(index)
                return outcome
            }
        }
        return outcome
    }

    /// Dispatches the events parked behind `order` in order; releases the order when none is left.
    /// Returns false when the stage stopped, `trigger`'s partition moved to another replica (which
    /// drains the order when it handles the record again), or a step could not be made durable;
    /// true when done — also when the hold moved on to another chain (which drains it) or the
    /// ledger refused a step (the hold sweep takes the order over).
    func drainParked(
        _ order: String, after trigger: KafkaMessage?, into outcome: inout Outcome, hold: inout OrderHold?,
        context: StageContext
    ) async -> Bool {
        guard let generation = hold?.generation else { return true }
        func stillOurs() async -> Bool? {
            switch await ledgerStep(
                "retry: confirm an order's hold", logger: context.logger, shouldStop: context.isStopping,
                { try await parking.confirm(order: order, generation: generation) })
            {
            case .done(let ours): return ours
            case .refused: return false
            case .stopped: return nil
            }
        }
        while true {
            let page = await ledgerStep(
                "retry: read parked events", logger: context.logger, shouldStop: context.isStopping,
                { try await parking.parked(order: order, limit: Self.drainPage) })
            guard case .done(let parked) = page else { return page.isRefused }
            if parked.isEmpty {
                switch await ledgerStep(
                    "retry: release an order", logger: context.logger, shouldStop: context.isStopping,
                    { try await parking.release(order: order, generation: generation) })
                {
                case .stopped: return false
                case .refused: return true
                case .done(let released):
                    guard let released else {
                        outcome.counts.staleRetries += 1
                        return true  // another chain has the hold
                    }
                    if released {
                        hold = nil
                        return true
                    }
                    continue  // parked meanwhile
                }
            }
            for event in parked {
                guard !context.isStopping(), trigger.map(owns) ?? true else { return false }
                // Checked at every step: a chain that lost the hold dispatches nothing more.
                guard let ours = await stillOurs() else { return false }
                guard ours else {
                    outcome.counts.staleRetries += 1
                    return true
                }
                let message = event.message
                guard
                    let canonical = try? CanonicalEvent.decoder.decode(
                        CanonicalEvent.self, from: Data(event.value))
                else {
                    let result = DispatchResult.permanent(
                        effect: nil, status: 0, code: "MALFORMED", detail: "parked event does not decode", applied: [])
                    guard await forward(result, event, order: order, hold: &hold, into: &outcome, context: context)
                    else { return false }
                    continue
                }
                switch await checkItems(canonical, message, refreshing: true, into: &outcome, context: context) {
                case .stopped: return false
                case .quarantined:
                    guard await unpark(event, context: context) else { return false }
                    continue
                case .write: break
                }
                let (results, _) = await dispatcher.dispatch(
                    [canonical], known: nil, owns: { _ in trigger.map(owns) ?? true }, isStopping: context.isStopping)
                let result = results.first ?? .abandoned(applied: [])
                outcome.audit += DispatchRecords.audit(canonical, message, result, replica: context.replica)
                outcome.counts.effects += result.applied.count
                switch result {
                case .abandoned, .deferred:
                    return false
                case .done:
                    guard await unpark(event, context: context) else { return false }
                case .permanent:
                    guard await forward(result, event, order: order, hold: &hold, into: &outcome, context: context)
                    else { return false }
                case .exhausted:
                    // The new head: the hold moves to it (a new generation), then its retry record,
                    // then it leaves the queue.
                    return await forward(
                        result, event, order: order, hold: &hold, into: &outcome, context: context)
                }
            }
        }
    }

    /// Sends a parked event's next record (acknowledged), then forgets it here.
    private func forward(
        _ result: DispatchResult, _ event: ParkedEvent, order: String, hold: inout OrderHold?,
        into outcome: inout Outcome, context: StageContext
    ) async -> Bool {
        switch await route(
            result, event.message, order: order, eventID: event.eventID, head: event, hold: &hold, into: &outcome,
            context: context)
        {
        case .stopped: return false
        case .superseded: return true
        case .nothing, .retried, .deadLettered: return await unpark(event, context: context)
        }
    }

    private func unpark(_ event: ParkedEvent, context: StageContext) async -> Bool {
        switch await ledgerStep(
            "retry: forget a parked event", logger: context.logger, shouldStop: context.isStopping,
            { try await parking.unpark(id: event.id) })
        {
        case .done, .refused: return true
        case .stopped: return false
        }
    }

    /// What sending `result`'s next record came to.
    enum Sent {
        /// Nothing to send (done, abandoned).
        case nothing
        /// On a retry tier, or quarantined in its place (refused for good; the hold is then left to
        /// the sweep): the order stays held.
        case retried
        /// On the dead-letter topic, or quarantined in its place: the order moves on.
        case deadLettered
        /// The hold moved on to another chain before this one could move it: nothing sent.
        case superseded
        /// The stage stopped before the broker acknowledged it.
        case stopped
    }

    /// Sends `result`'s next record (tier or dead letter) and waits for the broker's ack (a record
    /// refused for good is quarantined with the reason instead). A record for a tier first moves the
    /// hold to `head` (default: the record's own event) at a new generation — a compare-and-set on
    /// `hold`'s — and carries that generation.
    func route(
        _ result: DispatchResult, _ message: KafkaMessage, order: String, eventID: String, head: ParkedEvent? = nil,
        hold: inout OrderHold?, into outcome: inout Outcome, context: StageContext
    ) async -> Sent {
        var counts = StageCounts()
        guard
            let routed = DispatchRecords.route(
                result, message, orderKey: order, eventID: eventID, tiers: tiers, context: context, counts: &counts)
        else { return .nothing }
        let route = routed.route
        var output = routed.output
        if case .retry = route, let current = hold {
            let armed = ParkedEvent(message, orderKey: order, eventID: eventID)
            let step = await ledgerStep(
                "retry: move an order's head", logger: context.logger, shouldStop: context.isStopping,
                { try await parking.arm(order: order, head: head ?? armed, expecting: current.generation) })
            switch step {
            case .stopped: return .stopped
            case .refused, .done(nil):
                outcome.counts.staleRetries += 1
                return .superseded
            case .done(let generation?):
                hold?.generation = generation
                hold?.headEventID = eventID
                output = HoldGeneration.stamped(output, generation)
            }
        }
        switch await send(output, source: message, into: &outcome, context: context) {
        case .stopped:
            return .stopped
        case .acknowledged:
            outcome.counts.add(counts)
        case .quarantined:
            outcome.counts.quarantined += 1
            // A retry record refused for good: its hold has no record on its way. As at dispatch, the
            // hold forgets the head's record (it would be refused again) and is due for the sweep.
            if case .retry = route, let generation = hold?.generation {
                let forgot = await ledgerStep(
                    "retry: release a hold to the sweep", logger: context.logger, shouldStop: context.isStopping,
                    { try await parking.forgetHead(order: order, generation: generation) })
                if case .stopped = forgot { return .stopped }
            }
        }
        if case .retry = route { return .retried }
        return .deadLettered
    }
}

extension LedgerStep {
    var isRefused: Bool {
        if case .refused = self { return true }
        return false
    }
}
