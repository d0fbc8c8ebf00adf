import Foundation

/// A dead-letter or quarantine record as the dead-letter stage read it: what becomes a case, or
/// reopens one.
public struct CaseArrival: Sendable, Hashable {
    /// Order key, channel, event id and trace id of the record.
    public var orderKey: String
    public var channel: String
    public var eventID: String
    public var traceID: String?
    /// Where it came from and why it failed.
    public var provenance: CaseProvenance
    /// The record.
    public var payload: CasePayload
    /// The `dl-case-id` a replayed record carries: that case is reopened instead of a new one made.
    public var reopens: Int64?
    /// When the stage read it.
    public var seenAt: Date
    /// Who records it (the stage, e.g. `dead-letter`).
    public var actor: String
    /// What tells this source record from another one at the same topic, partition and offset
    /// (offsets start again when a topic is recreated or a cluster replaced): a digest of the
    /// record's timestamp and content (`CaseArrivalReader`). A redelivery of the same record has the
    /// same one. Empty: the source position alone identifies it.
    public var sourceFingerprint: String

    /// Creates an arrival.
    public init(
        orderKey: String, channel: String, eventID: String, traceID: String?, provenance: CaseProvenance,
        payload: CasePayload, reopens: Int64? = nil, seenAt: Date = Date(), actor: String = "dead-letter",
        sourceFingerprint: String = ""
    ) {
        self.sourceFingerprint = sourceFingerprint
        self.orderKey = orderKey
        self.channel = channel
        self.eventID = eventID
        self.traceID = traceID
        self.provenance = provenance
        self.payload = payload
        self.reopens = reopens
        self.seenAt = seenAt
        self.actor = actor
    }
}
