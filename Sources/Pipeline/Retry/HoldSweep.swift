import Foundation
import Kafka
import Ledger
import Logging
import OrderModel

/// The way out of a hold whose head is in no retry topic — its retry record never written (a crash
/// between the hold and the record), replaced by a quarantine record (refused by the broker), or its
/// chain cut off by a step the ledger refused. Every `interval` the retry stage looks for holds not
/// armed or confirmed for longer than the longest tier plus `grace` (a live chain confirms its hold
/// at every step and re-arms it every round, so it is never among them), claims each (a new
/// generation: any record still on its way is stale from then on, and of two sweeping replicas one
/// wins), then:
/// - the hold keeps its head's record: a new retry record for it (the next tier as its envelope
///   says, or the dead-letter topic after the last, after which the parked events follow);
/// - it does not: the head is dead-lettered as a case naming it (its record is not known here) and
///   the events parked behind it are dispatched in order — each plans from the order's whole state,
///   so they carry what the head needed — and the order is released.
struct HoldSweep: Sendable {
    let drain: RetryDrain
    let parking: any ParkingStore
    let sink: any RecordSink
    let audit: any AuditSink
    let topics: PipelineTopics
    let tiers: [RetryTier]
    let grace: Duration
    let replica: String
    let logger: Logger
    /// Holds handled per pass.
    static let batch = 100

    /// How long a hold may go without being armed or confirmed before it counts as orphaned.
    var orphanedAfter: Duration { (tiers.map(\.delay).max() ?? .zero) + grace }

    /// One pass over the orphaned holds; returns how many it took over.
    @discardableResult
    func sweep(now: Date = Date(), isStopping: @escaping @Sendable () -> Bool) async -> Int {
        let delivery = BatchDelivery(sink: sink, logger: logger, what: "hold sweep produce", shouldStop: isStopping)
        let context = StageContext(
            stage: .retry, topics: topics, replica: replica, logger: logger, isStopping: isStopping,
            delivery: delivery)
        let before = now.addingTimeInterval(-DurationSeconds.of(orphanedAfter))
        let stale: [OrderHold]
        do {
            stale = try await parking.staleHolds(updatedBefore: before, limit: Self.batch)
        } catch {
            logger.warning("hold sweep: holds not read", metadata: ["error": "\(error)"])
            return 0
        }
        var taken = 0
        for hold in stale where !isStopping() {
            if await rearm(hold, context: context) { taken += 1 }
        }
        return taken
    }

    /// Claims `hold` and gives it a way out; false when another chain or replica has it.
    private func rearm(_ hold: OrderHold, context: StageContext) async -> Bool {
        let order = hold.orderKey
        guard
            case .done(let claimed?) = await ledgerStep(
                "hold sweep: claim a hold", logger: logger, shouldStop: context.isStopping,
                { try await parking.claim(order: order, expecting: hold.generation) })
        else { return false }
        var current: OrderHold? = hold
        current?.generation = claimed
        var outcome = RetryDrain.Outcome()
        logger.warning(
            "hold sweep: an order's head is in no retry topic; re-arming its hold",
            metadata: ["order": "\(order)", "head": "\(hold.headEventID)", "held-since": "\(hold.since)"])
        if let head = hold.head, !head.value.isEmpty {
            let result = DispatchResult.exhausted(
                effect: nil, attempts: 0, lastStatus: nil, retryAfter: nil,
                detail: "re-armed: its hold had no retry record for \(orphanedAfter)", applied: [])
            let sent = await drain.route(
                result, head.message, order: order, eventID: hold.headEventID, head: head, hold: &current,
                into: &outcome, context: context)
            if sent == .deadLettered {
                _ = await drain.drainParked(order, after: nil, into: &outcome, hold: &current, context: context)
            }
        } else {
            guard await deadLetterLostHead(hold, into: &outcome, context: context) else { return false }
            _ = await drain.drainParked(order, after: nil, into: &outcome, hold: &current, context: context)
        }
        await audit.record(outcome.audit)
        return true
    }

    /// A dead-letter record for a head whose record is not known here: the dead-letter stage opens a
    /// case for it (order, event id, why), so an operator sees what was given up.
    private func deadLetterLostHead(
        _ hold: OrderHold, into outcome: inout RetryDrain.Outcome, context: StageContext
    ) async -> Bool {
        let key = hold.orderKey
        let (channel, orderID) =
            key.firstIndex(of: ":").map {
                (String(key[..<$0]), String(key[key.index(after: $0)...]))
            } ?? ("", key)
        let reason = StageRejection.erpUnavailable(
            "orphaned hold: head \(hold.headEventID) was in no retry topic for over \(orphanedAfter) and its record "
                + "is not kept (held since \(RFC3339.format(hold.since))); the events parked behind it go on")
        let record = ProducerRecord(
            topic: topics.deadLetter, key: Array(key.utf8), value: nil,
            headers: [
                KafkaHeader(key: EnvelopeHeader.eventID, string: hold.headEventID),
                KafkaHeader(key: EnvelopeHeader.channel, string: channel),
                KafkaHeader(key: EnvelopeHeader.orderID, string: orderID),
                KafkaHeader(key: EnvelopeHeader.stage, string: StageName.retry.rawValue),
                KafkaHeader(key: EnvelopeHeader.reason, string: reason.description),
            ])
        guard case .delivered(let refused) = await context.delivery.send([record]) else { return false }
        var audit = AuditRecord(
            hop: .deadLettered, orderKey: key, channel: channel, eventID: hold.headEventID,
            stage: StageName.retry.rawValue, replica: replica, reason: reason.code, detail: reason.description)
        if let lost = refused[0] {
            // A record without a value is not expected to be refused; if it is, the audit keeps it.
            logger.error(
                "hold sweep: the dead-letter record of a lost head was refused; only the audit trail keeps it",
                metadata: ["order": "\(key)", "error": "\(lost)"])
            audit.detail = (audit.detail ?? "") + "; dead-letter record refused: \(lost)"
        } else {
            outcome.counts.deadLettered += 1
        }
        outcome.audit.append(audit)
        return true
    }
}
