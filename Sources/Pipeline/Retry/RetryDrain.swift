import Foundation
import Kafka
import Ledger
import Logging
import OrderModel

/// What the retry stage does for one held order: dispatches its head again and, once the head
/// landed or was dead-lettered, the events parked behind it, in order, until the order is released
/// or one of them fails transiently and becomes the new head.
///
/// Every step that moves the order on is made durable before the next: a record for a tier or the
/// dead-letter topic is acknowledged by the broker before the ledger forgets the parked event it
/// came from, and the hold's head moves to an event before that event's retry record is written
/// (so a record never finds its order held by something older). A crash between two steps repeats
/// the step; ERP effects are idempotent upserts, so nothing lands twice.
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
    let sink: any RecordSink
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

    /// Handles `messages` (one order's due retry records, in order); `head` is the order's hold.
    func handle(
        order: String, _ messages: [(index: Int, message: KafkaMessage)], head: String?, context: StageContext
    ) async -> Outcome {
        var outcome = Outcome()
        var head = head
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
                guard
                    await route(result, message, order: order, eventID: "", into: &outcome, context: context)
                        != .stopped
                else {
                    outcome.unfinished.insert(index)
                    return outcome
                }
                continue
            }
            guard let current = head else {
                outcome.counts.staleRetries += 1
                continue  // the order is not held: this retry landed already
            }
            if current != event.eventID {
                // Not the head. If the head is still parked, a step was cut short: drain again.
                if let first = try? await parking.parked(order: order, limit: 1).first, first.eventID == current {
                    guard await drainParked(order, after: message, into: &outcome, head: &head, context: context) else {
                        outcome.unfinished.insert(index)
                        return outcome
                    }
                }
                outcome.counts.staleRetries += 1
                continue
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
                    result, message, order: order, eventID: event.eventID, into: &outcome, context: context)
                {
                case .stopped:
                    outcome.unfinished.insert(index)
                    return outcome
                case .retried:
                    continue
                case .deadLettered, .nothing:
                    break
                }
            case .done:
                outcome.counts.upToDate += result.applied.isEmpty ? 1 : 0
            }
            guard await drainParked(order, after: message, into: &outcome, head: &head, context: context) else {
                outcome.unfinished.insert(index)
                return outcome
            }
        }
        return outcome
    }

    /// Dispatches the events parked behind `order` in order; releases the order when none is left.
    /// Returns false when the stage stopped, `trigger`'s partition moved to another replica (which
    /// drains the order when it handles the record again), or a step could not be made durable.
    private func drainParked(
        _ order: String, after trigger: KafkaMessage, into outcome: inout Outcome, head: inout String?,
        context: StageContext
    ) async -> Bool {
        while true {
            guard
                let parked = await retryUntilStopped(
                    "retry: read parked events", logger: context.logger, shouldStop: context.isStopping,
                    { try await parking.parked(order: order, limit: Self.drainPage) })
            else { return false }
            if parked.isEmpty {
                guard
                    let released = await retryUntilStopped(
                        "retry: release an order", logger: context.logger, shouldStop: context.isStopping,
                        { try await parking.release(order: order) })
                else { return false }
                if released {
                    head = nil
                    return true
                }
                continue  // parked meanwhile
            }
            for event in parked {
                guard !context.isStopping(), owns(trigger) else { return false }
                let message = event.message
                guard
                    let canonical = try? CanonicalEvent.decoder.decode(
                        CanonicalEvent.self, from: Data(event.value))
                else {
                    let result = DispatchResult.permanent(
                        effect: nil, status: 0, code: "MALFORMED", detail: "parked event does not decode", applied: [])
                    guard await forward(result, event, order: order, into: &outcome, context: context) else {
                        return false
                    }
                    continue
                }
                let (results, _) = await dispatcher.dispatch(
                    [canonical], known: nil, owns: { _ in owns(trigger) }, isStopping: context.isStopping)
                let result = results.first ?? .abandoned(applied: [])
                outcome.audit += DispatchRecords.audit(canonical, message, result, replica: context.replica)
                outcome.counts.effects += result.applied.count
                switch result {
                case .abandoned, .deferred:
                    return false
                case .done:
                    guard await unpark(event, context: context) else { return false }
                case .permanent:
                    guard await forward(result, event, order: order, into: &outcome, context: context) else {
                        return false
                    }
                case .exhausted:
                    // The new head: hold first, then its retry record, then forget it here.
                    guard
                        await retryUntilStopped(
                            "retry: move an order's head", logger: context.logger, shouldStop: context.isStopping,
                            { try await parking.hold(order: order, headEventID: event.eventID) }) != nil
                    else { return false }
                    head = event.eventID
                    return await forward(result, event, order: order, into: &outcome, context: context)
                }
            }
        }
    }

    /// Sends a parked event's next record (acknowledged), then forgets it here.
    private func forward(
        _ result: DispatchResult, _ event: ParkedEvent, order: String, into outcome: inout Outcome,
        context: StageContext
    ) async -> Bool {
        guard
            await route(result, event.message, order: order, eventID: event.eventID, into: &outcome, context: context)
                != .stopped
        else { return false }
        return await unpark(event, context: context)
    }

    private func unpark(_ event: ParkedEvent, context: StageContext) async -> Bool {
        await retryUntilStopped(
            "retry: forget a parked event", logger: context.logger, shouldStop: context.isStopping,
            { try await parking.unpark(id: event.id) }) != nil
    }

    /// What sending `result`'s next record came to.
    enum Sent {
        /// Nothing to send (done, abandoned).
        case nothing
        /// On a retry tier: the order stays held.
        case retried
        /// On the dead-letter topic: the order moves on.
        case deadLettered
        /// The stage stopped before the broker acknowledged it.
        case stopped
    }

    /// Sends `result`'s next record (tier or dead letter) and waits for the broker's ack.
    private func route(
        _ result: DispatchResult, _ message: KafkaMessage, order: String, eventID: String, into outcome: inout Outcome,
        context: StageContext
    ) async -> Sent {
        var counts = StageCounts()
        guard
            let (route, output) = DispatchRecords.route(
                result, message, orderKey: order, eventID: eventID, tiers: tiers, context: context, counts: &counts)
        else { return .nothing }
        let sent = await retryUntilStopped(
            "retry: send to \(output.record.topic)", logger: context.logger, shouldStop: context.isStopping,
            { try await sink.send(output.record) })
        guard sent != nil else { return .stopped }
        outcome.audit.append(output.audit)
        outcome.counts.add(counts)
        if case .retry = route { return .retried }
        return .deadLettered
    }
}
