/// The hop of an event through Driftless that an ``AuditRecord`` describes.
///
/// Raw values are the stored (and JSON) spelling; they never change once released.
public enum AuditHop: String, Sendable, Hashable, Codable, CaseIterable {
    /// Accepted by ingest (webhook or poller) and produced to the raw topic.
    case received
    /// Dropped by ingest or validate because the same event id was already seen.
    case deduped
    /// Passed validation and produced to the validated topic.
    case validated
    /// Rejected with a reason and produced to the quarantine topic.
    case quarantined
    /// Applied by translate: a canonical event was produced.
    case translated
    /// Older than the state already applied (source timestamp / version), ignored.
    case stale
    /// Already applied (event id in the applied list), ignored.
    case duplicate
    /// Rejected by the order state machine as an illegal transition.
    case illegal
    /// Sent to the ERP (or a channel); `httpStatus` holds the answer.
    case dispatched
    /// Scheduled for a retry; `dueAt` holds when, `reason` the error.
    case retried
    /// Given up on after retries; a dead-letter case exists.
    case deadLettered = "dead_lettered"
    /// Re-injected from the dead-letter stage by an operator.
    case replayed
    /// A dead-letter case given up for good by an operator (who and why in `replica` and `detail`).
    case discarded
    /// Touched by reconciliation (corrected or flagged).
    case reconciled
    /// An operator alert fired or resolved and was delivered (or not) to a destination; the
    /// order key is `alerts:<rule>`, `httpStatus` the receiver's answer.
    case alerted

    /// Parses the stored spelling, also accepting `deadLettered` / `dead-lettered`.
    public init?(parsing text: String) {
        let normalized = text.lowercased().replacingOccurrences(of: "-", with: "_")
        if let hop = AuditHop(rawValue: normalized) {
            self = hop
        } else if normalized == "deadlettered" {
            self = .deadLettered
        } else {
            return nil
        }
    }
}
