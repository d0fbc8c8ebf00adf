import Foundation

/// A dead-lettered or quarantined record kept for an operator: what failed, where and why, the
/// record itself (replayable byte for byte) and the case's state with its history.
public struct DeadLetterCase: Sendable, Hashable, Codable {
    /// How many transitions a case keeps (oldest dropped first).
    public static let historyLimit = 20

    /// Assigned by the store.
    public var id: Int64
    /// Current state; ``lastTransition`` says who moved it there, when and why.
    public var state: CaseState
    /// `"<channel>:<order id>"` (or the event id when the order is unknown).
    public var orderKey: String
    /// `shopify`, `amazon`, `erp`, … (`dl-channel`, else the order key's prefix).
    public var channel: String
    /// `dl-event-id` of the record.
    public var eventID: String
    /// `dl-trace-id`, when present.
    public var traceID: String?
    /// Source, original coordinates, stage, reason and attempt history of the latest arrival.
    public var provenance: CaseProvenance
    /// The latest arrival's record.
    public var payload: CasePayload
    /// How many times the case arrived: 1, plus one for every replay that failed again.
    public var occurrences: Int
    /// First and latest arrival.
    public var firstSeen: Date
    public var lastSeen: Date
    /// When the case was last replayed (resolution looks for a success after it).
    public var replayedAt: Date?
    /// The latest transitions, oldest first (at most ``historyLimit``).
    public var history: [CaseTransition]

    /// Creates a case.
    public init(
        id: Int64, state: CaseState, orderKey: String, channel: String, eventID: String, traceID: String?,
        provenance: CaseProvenance, payload: CasePayload, occurrences: Int, firstSeen: Date, lastSeen: Date,
        replayedAt: Date? = nil, history: [CaseTransition] = []
    ) {
        self.id = id
        self.state = state
        self.orderKey = orderKey
        self.channel = channel
        self.eventID = eventID
        self.traceID = traceID
        self.provenance = provenance
        self.payload = payload
        self.occurrences = occurrences
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.replayedAt = replayedAt
        self.history = history
    }

    /// Who moved the case to its current state, when and why.
    public var lastTransition: CaseTransition? { history.last }

    /// A new case from its first arrival.
    public init(id: Int64, arrival: CaseArrival) {
        self.init(
            id: id, state: .open, orderKey: arrival.orderKey, channel: arrival.channel, eventID: arrival.eventID,
            traceID: arrival.traceID, provenance: arrival.provenance, payload: arrival.payload, occurrences: 1,
            firstSeen: arrival.seenAt, lastSeen: arrival.seenAt,
            history: [
                CaseTransition(
                    from: nil, to: .open, actor: arrival.actor, at: arrival.seenAt,
                    reason: "\(arrival.provenance.reasonCode) at \(arrival.provenance.stage)")
            ])
    }

    /// The case after `arrival` came back (a replayed record that failed again): open again, one
    /// more occurrence, the new record and provenance.
    public func reopened(by arrival: CaseArrival) -> DeadLetterCase {
        var next = self
        next.provenance = arrival.provenance
        next.payload = arrival.payload
        next.occurrences += 1
        next.lastSeen = max(lastSeen, arrival.seenAt)
        next.record(
            CaseTransition(
                from: state, to: .open, actor: arrival.actor, at: arrival.seenAt,
                reason: "failed again: \(arrival.provenance.reasonCode) at \(arrival.provenance.stage)"))
        return next
    }

    /// When the case last changed: its last arrival or transition (retention counts from here).
    public var updatedAt: Date {
        max(lastSeen, history.last?.at ?? lastSeen)
    }

    /// Moves the case to `transition.to` and remembers the transition (bounded history).
    public mutating func record(_ transition: CaseTransition) {
        state = transition.to
        if transition.to == .replayed { replayedAt = transition.at }
        history.append(transition)
        if history.count > Self.historyLimit { history.removeFirst(history.count - Self.historyLimit) }
    }
}
