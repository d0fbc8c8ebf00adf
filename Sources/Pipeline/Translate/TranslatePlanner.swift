import Foundation
import Kafka
import Ledger
import OrderModel

/// Plans the effects of one batch of validated records, given the orders' states from the ledger:
/// canonical events and quarantine records to produce (in input order), state rows to save per
/// order (one row per applied event, versions growing by one), and audit rows.
///
/// The states a batch starts from are the ledger rows, overridden by `overlay`: the states that
/// batches still in flight planned but have not saved yet (so batch N+1 is planned while batch N's
/// records and saves are in flight).
struct TranslatePlanner {
    /// An order's state as planned (not necessarily saved yet) and its ledger version.
    struct Planned: Sendable {
        var state: OrderState
        var version: Int64
    }

    /// The effects of a batch.
    struct Plan: Sendable {
        /// Canonical and quarantine records, in input order.
        var records: [ProducerRecord] = []
        /// Per order key: one state row per applied event, in order (versions v+1, v+2, …).
        var saves: [String: [OrderStateRecord]] = [:]
        /// Per order key: the audit row of each applied event, aligned with `saves`.
        var appliedAudit: [String: [AuditRecord]] = [:]
        /// Stale, duplicate, illegal and quarantined rows.
        var otherAudit: [AuditRecord] = []
        /// For each of `records`: the index in the batch of the message that caused it.
        var sources: [Int] = []
        /// Per order key with an applied event: the state and version after the batch.
        var latest: [String: Planned] = [:]
        /// Counters.
        var translated = 0, unchanged = 0, stale = 0, duplicates = 0, illegal = 0, quarantined = 0
    }

    let decoder: ObservationDecoder
    let machine = OrderStateMachine()
    let topics: PipelineTopics
    let replica: String

    /// Plans `batch`; `states` are the ledger rows of the batch's orders (keyed by order key).
    func plan(
        _ batch: [KafkaMessage], decoded: [Result<(Envelope, ChannelObservation), StageRejection>],
        states: [String: OrderStateRecord], overlay: [String: Planned] = [:]
    ) -> Plan {
        var plan = Plan()
        var current: [String: (state: OrderState?, version: Int64)] = [:]
        var appliedVersions: [String: [Int64]] = [:]
        var lastApplied: [String: String] = [:]
        for (index, (message, result)) in zip(batch, decoded).enumerated() {
            let recordsBefore = plan.records.count
            defer {
                for _ in recordsBefore..<plan.records.count { plan.sources.append(index) }
            }
            let envelope: Envelope
            let observation: ChannelObservation
            switch result {
            case .failure(let rejection):
                quarantine(message, rejection, into: &plan)
                continue
            case .success(let value):
                (envelope, observation) = value
            }
            let key = observation.key.description
            if current[key] == nil {
                if let planned = overlay[key] {
                    current[key] = (planned.state, planned.version)
                } else if let row = states[key] {
                    guard let state = StoredOrderState.state(row) else {
                        quarantine(message, .badEnvelope("stored state of \(key) is unreadable"), into: &plan)
                        continue
                    }
                    current[key] = (state, row.version)
                } else {
                    current[key] = (nil, 0)
                }
            }
            let (state, version) = current[key] ?? (nil, 0)
            let transition = machine.decide(current: state, observation: observation)
            let base = AuditRecord(
                hop: .translated, orderKey: key, channel: observation.key.channel.rawValue,
                eventID: observation.eventID, stage: StageName.translate.rawValue, replica: replica,
                topic: message.topic, partition: message.partition, offset: message.offset,
                fromState: state?.canonicalState.rawValue, traceID: envelope.traceID)
            switch transition {
            case .apply(let next, _):
                let newVersion = version + 1
                current[key] = (next, newVersion)
                plan.latest[key] = Planned(state: next, version: newVersion)
                appliedVersions[key, default: []].append(newVersion)
                lastApplied[key] = observation.eventID
                var row = base
                row.toState = next.canonicalState.rawValue
                if transition.changesState {
                    plan.records.append(
                        canonicalRecord(
                            envelope: envelope, observation: observation, previous: state, next: next,
                            version: newVersion))
                    plan.translated += 1
                } else {
                    // Position advanced, nothing else changed: no canonical event.
                    row.hop = .duplicate
                    row.reason = "no-new-information"
                    plan.unchanged += 1
                }
                plan.appliedAudit[key, default: []].append(row)
            case .duplicate:
                var row = base
                row.hop = .duplicate
                row.reason = "event-already-applied"
                plan.otherAudit.append(row)
                plan.duplicates += 1
            case .stale(let reason):
                var row = base
                row.hop = .stale
                row.reason = "stale"
                row.detail = reason
                plan.otherAudit.append(row)
                plan.stale += 1
            case .illegal(let reason):
                let output = Quarantine.output(
                    message, rejection: .illegalTransition(reason), stage: .translate, topics: topics,
                    replica: replica, fromState: state?.canonicalState.rawValue)
                plan.records.append(output.record)
                plan.otherAudit.append(output.audit)
                plan.illegal += 1
            }
        }
        plan.saves = Self.rows(latest: plan.latest, versions: appliedVersions, lastEventIDs: lastApplied)
        return plan
    }

    /// One row per applied event (versions v+1…v+n), all with the **final** state of the batch: in
    /// one transaction only the highest version's row survives (the ledger keeps the newest), so
    /// the state is encoded once per order, not once per event.
    private static func rows(
        latest: [String: Planned], versions: [String: [Int64]], lastEventIDs: [String: String]
    ) -> [String: [OrderStateRecord]] {
        var saves: [String: [OrderStateRecord]] = [:]
        saves.reserveCapacity(latest.count)
        for (key, planned) in latest {
            guard let applied = versions[key], !applied.isEmpty else { continue }
            let final = StoredOrderState.record(
                planned.state, version: planned.version, lastEventID: lastEventIDs[key] ?? "")
            saves[key] = applied.map { version in
                var row = final
                row.version = version
                return row
            }
        }
        return saves
    }

    private func quarantine(_ message: KafkaMessage, _ rejection: StageRejection, into plan: inout Plan) {
        let output = Quarantine.output(
            message, rejection: rejection, stage: .translate, topics: topics, replica: replica)
        plan.records.append(output.record)
        plan.otherAudit.append(output.audit)
        plan.quarantined += 1
    }

    private func canonicalRecord(
        envelope: Envelope, observation: ChannelObservation, previous: OrderState?, next: OrderState, version: Int64
    ) -> ProducerRecord {
        let eventID = CanonicalEvent.eventID(orderKey: observation.key, sourceEventID: observation.eventID)
        let event = CanonicalEvent(
            eventID: eventID, orderKey: observation.key, channel: observation.key.channel,
            orderID: observation.key.orderID, sourceEventID: observation.eventID, sourceKind: observation.kind,
            sourceTimestamp: observation.sourceTimestamp, previousState: previous?.canonicalState,
            state: next.canonicalState, previousDimensions: previous?.dimensions, dimensions: next.dimensions,
            facts: next.facts, erpTarget: decoder.matrix.erpTarget(for: next.canonicalState), version: version,
            mappingVersion: decoder.matrix.version, traceID: envelope.traceID)
        var headersEnvelope = envelope
        headersEnvelope.eventID = eventID
        headersEnvelope.kind = "canonical/\(next.canonicalState.rawValue)"
        let value = CanonicalJSON.bytes(of: event)
        return ProducerRecord(
            topic: topics.canonical, key: observation.key.bytes, value: value, headers: headersEnvelope.headers)
    }
}
