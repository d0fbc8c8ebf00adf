import Foundation
import Kafka
import Ledger
import OrderModel

/// What `driftless dlq replay` does with a case reconciliation flagged (stage `reconcile`): the stored
/// snapshot may be days old, so it reads the channel's current truth of the order (by id) and the ERP's
/// view again and compares them — statuses, then content (lines, quantities, amounts: ``ContentDrift``).
/// Still different → the current truth re-enters `<p>.ingest.raw` (``record(for:snapshot:topic:)``);
/// now in sync → the case can be resolved without a record. The re-check of an `edit-after-fulfilment`
/// case (dispatch's) is the same: it is in sync only once the ERP's lines are the channel's.
public struct ReconcileCaseCheck: Sendable {
    /// The re-check's answer.
    public enum Outcome: Sendable {
        /// Still drifted: the channel's current order.
        case drift(ChannelOrderSnapshot, MismatchClassification)
        /// The statuses agree but the lines do not: the differences, and whether the ERP already
        /// fulfilled the order (then no replay can correct it: the ERP cannot un-ship).
        case contentDrift(ChannelOrderSnapshot, differences: [String], fulfilled: Bool)
        /// The channel and the ERP agree now.
        case inSync
        /// The channel no longer knows the order (or its payload cannot be mapped): why.
        case unavailable(String)
    }

    /// The cases' stage (`dl-stage` / provenance stage).
    public static let stage = "reconcile"

    let lookups: [Channel: any ChannelOrderLookup]
    let erp: ERPViewReader
    let reconciler: Reconciler
    let translator: ChannelTranslator

    /// A check over the channels' read APIs (the readers that can look orders up by id) and the ERP.
    public init(channels: [any ChannelOrderReader], erp: ERPViewReader, matrix: MappingMatrix) {
        var lookups: [Channel: any ChannelOrderLookup] = [:]
        for case let lookup as any ChannelOrderLookup in channels where lookups[lookup.channel] == nil {
            lookups[lookup.channel] = lookup
        }
        self.lookups = lookups
        self.erp = erp
        reconciler = Reconciler(matrix: matrix)
        translator = ChannelTranslator(matrix: matrix)
    }

    /// Re-checks the order of `value`.
    public func check(_ value: DeadLetterCase) async throws -> Outcome {
        guard let key = OrderKey(value.orderKey) else { return .unavailable("not an order key: \(value.orderKey)") }
        guard let lookup = lookups[key.channel] else {
            return .unavailable("no read API configured for \(key.channel) (reconcile.shopify / poller:)")
        }
        guard var snapshot = try await lookup.orders(ids: [key.orderID]).first(where: { $0.key == key }) else {
            return .unavailable("\(key.channel) no longer has order \(key.orderID)")
        }
        // A marketplace order's lines are a call of their own (getOrderItems, when configured).
        if let reader = lookup as? any ChannelOrderContentReader { snapshot = try await reader.withContent(snapshot) }
        let observation: ChannelObservation
        do {
            observation = try translator.translate(channel: key.channel, payload: snapshot.payload, eventID: nil)
        } catch {
            return .unavailable("the channel's order cannot be mapped: \(error)")
        }
        let view = try await erp.view(of: key)
        let verdict = reconciler.compare(channel: ChannelView(observation), erp: view)
        if verdict.action != nil { return .drift(snapshot, verdict.report.classification) }
        if let found = try await ContentDrift.check(observation.facts.content, view: view, erp: erp) {
            return .contentDrift(snapshot, differences: found.differences, fulfilled: found.fulfilled)
        }
        return .inSync
    }

    /// The record a replay produces: the channel's current order under the case's event id (the one
    /// reconciliation gave it and never injected: a second replay is a duplicate translate drops; the
    /// resolver finds the event getting through), the current update time as source time, and
    /// `dl-case-id` (a failure downstream reopens this case).
    public static func record(for value: DeadLetterCase, snapshot: ChannelOrderSnapshot, topic: String)
        -> ProducerRecord
    {
        let envelope = Envelope(
            eventID: value.eventID, channel: snapshot.key.channel, orderID: snapshot.key.orderID,
            kind: snapshot.key.channel == .shopify ? "orders/updated" : "amazon/order", receivedAt: Date(),
            sourceTimestamp: snapshot.updatedAt, traceID: value.traceID ?? "reconcile-case-\(value.id)")
        return ProducerRecord(
            topic: topic, key: Array(snapshot.key.description.utf8), value: snapshot.payload,
            headers: envelope.headers + [KafkaHeader(key: EnvelopeHeader.caseID, string: String(value.id))])
    }
}
