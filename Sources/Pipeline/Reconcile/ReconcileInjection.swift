import Foundation
import Kafka
import Ledger
import OrderModel

/// The records and cases reconciliation makes from a channel snapshot: the channel's current truth as
/// an event on `<p>.ingest.raw` (so it goes through validation, mapping, idempotent dispatch and the
/// audit trail), or a case for manual review.
enum ReconcileInjection {
    /// `reconcile:<run>:<order key>`: the same run never injects an order twice (a resumed run
    /// re-sends the same id, which translate dedupes).
    static func eventID(runID: String, key: OrderKey) -> String { "reconcile:\(runID):\(key)" }

    /// The envelope: the channel's kind (`orders/updated` for Shopify, `amazon/order` for Amazon) so
    /// validate treats it like a polled order, the snapshot's time as source timestamp, and the trace
    /// id `reconcile-<run>` that marks it as reconciliation in `driftless trace`.
    static func envelope(_ snapshot: ChannelOrderSnapshot, runID: String, now: Date) -> Envelope {
        Envelope(
            eventID: eventID(runID: runID, key: snapshot.key), channel: snapshot.key.channel,
            orderID: snapshot.key.orderID, kind: snapshot.key.channel == .shopify ? "orders/updated" : "amazon/order",
            receivedAt: now, sourceTimestamp: snapshot.updatedAt, traceID: "reconcile-\(runID)")
    }

    /// The record for `<p>.ingest.raw`.
    static func record(_ snapshot: ChannelOrderSnapshot, runID: String, topic: String, now: Date) -> ProducerRecord {
        ProducerRecord(
            topic: topic, key: Array(snapshot.key.description.utf8), value: snapshot.payload,
            headers: envelope(snapshot, runID: runID, now: now).headers)
    }

    /// The case for a flagged finding: one per order and classification (a later run finding the same
    /// drift adds nothing); its payload is the ingest record, so `dlq show` has the channel's truth.
    static func caseArrival(
        _ snapshot: ChannelOrderSnapshot, report: MismatchReport, classification: String, runID: String, topic: String,
        now: Date
    ) -> CaseArrival {
        let envelope = envelope(snapshot, runID: runID, now: now)
        let detail = ([report.classification.description] + report.evidence).joined(separator: "; ")
        return CaseArrival(
            orderKey: snapshot.key.description, channel: snapshot.key.channel.rawValue, eventID: envelope.eventID,
            traceID: envelope.traceID,
            provenance: CaseProvenance(
                sourceTopic: "reconcile/\(snapshot.key)/\(classification)", sourcePartition: 0, sourceOffset: 0,
                originalTopic: topic, stage: "reconcile", reasonCode: classification, reasonDetail: detail),
            payload: CasePayload(
                key: Data(snapshot.key.description.utf8), value: Data(snapshot.payload),
                headers: envelope.headers.map { CaseHeader(key: $0.key, value: $0.value.map { Data($0) }) }),
            seenAt: now, actor: "reconcile")
    }
}
