import Foundation
import Kafka
import Ledger
import OrderModel

/// The repair a correction sends to dispatch (`<p>.canonical`, keyed by the order key, so it takes the
/// order's turn: holds and parking apply): a canonical event carrying the order's **merged** state —
/// translate's stored state joined with the channel snapshot's observation — whatever translate has
/// seen, so drift on the ERP side (records deleted, a status edited by hand, an ERP that lost writes,
/// a discarded dead letter) is repaired although translate holds nothing new.
///
/// Its `sourceKind` is ``sourceKind``: dispatch reads a fresh ERP view for it (never its cached one)
/// and plans from the merged order, so it makes exactly the effects the ERP lacks. Its event id is
/// `repair:<run>:<order key>`: a resumed run sends the same one again.
enum ReconcileRepair {
    /// `sourceKind` of a repair event.
    static let sourceKind = "reconcile/repair"

    /// `repair:<run>:<order key>`.
    static func eventID(runID: String, key: OrderKey) -> String { "repair:\(runID):\(key)" }

    /// The repair event for `observation` (the channel's current order) given translate's stored
    /// state of the order (nil: translate never saw it).
    static func event(
        observation: ChannelObservation, stored: OrderStateRecord?, matrix: MappingMatrix, runID: String
    ) -> CanonicalEvent {
        var dimensions = observation.dimensions
        var facts = observation.facts
        var previous: OrderState?
        var version: Int64 = 0
        if let stored, let state = StoredOrderState.state(stored) {
            dimensions = state.dimensions.joined(with: dimensions)
            facts = state.facts.merged(with: facts)
            previous = state
            version = stored.version
        }
        let key = observation.key
        let state = dimensions.canonicalState
        return CanonicalEvent(
            eventID: eventID(runID: runID, key: key), orderKey: key, channel: key.channel, orderID: key.orderID,
            sourceEventID: ReconcileInjection.eventID(runID: runID, key: key), sourceKind: sourceKind,
            sourceTimestamp: max(observation.sourceTimestamp, previous?.sourceTimestamp ?? .distantPast),
            previousState: previous?.canonicalState, state: state, previousDimensions: previous?.dimensions,
            dimensions: dimensions, facts: facts, erpTarget: matrix.erpTarget(for: state), version: version,
            mappingVersion: matrix.version, traceID: "reconcile-\(runID)")
    }

    /// The record for `<p>.canonical`.
    static func record(_ event: CanonicalEvent, topic: String, now: Date) -> ProducerRecord {
        let envelope = Envelope(
            eventID: event.eventID, channel: event.channel, orderID: event.orderID,
            kind: "canonical/\(event.state.rawValue)", receivedAt: now, sourceTimestamp: event.sourceTimestamp,
            traceID: event.traceID)
        return ProducerRecord(
            topic: topic, key: event.orderKey.bytes, value: CanonicalJSON.bytes(of: event), headers: envelope.headers)
    }
}
