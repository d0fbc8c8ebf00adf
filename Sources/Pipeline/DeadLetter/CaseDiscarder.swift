import Foundation
import Ledger

/// Gives dead-letter cases up for good — `driftless dlq discard` and the console's bulk discard: the
/// same compare-and-set transition (from `open` or `replayed` only; the case's history names who and
/// why), then a `discarded` audit row on the order's trail naming who and why, as a replay leaves a
/// `replayed` one.
public struct CaseDiscarder: Sendable {
    let cases: any CaseStore
    let ledger: (any LedgerStore)?
    let actor: String
    let reason: String

    /// A discarder acting as `actor` (`ops:<name>`, `$USER`) for `reason`; audit rows go to `ledger`.
    public init(cases: any CaseStore, ledger: (any LedgerStore)?, actor: String, reason: String) {
        self.cases = cases
        self.ledger = ledger
        self.actor = actor
        self.reason = reason
    }

    /// Discards case `id` at `now`; the transition's outcome. The audit row is written only when the
    /// case changed; a failure to write it is thrown (the case stays discarded).
    public func discard(id: Int64, at now: Date = Date()) async throws -> CaseTransitionOutcome {
        let outcome = try await cases.transitionCase(
            id: id, to: .discarded, actor: actor, reason: reason, at: now, allowedFrom: [.open, .replayed])
        guard case .changed(let value) = outcome else { return outcome }
        try await ledger?.append([Self.auditRow(value, actor: actor, reason: reason, at: now)])
        return outcome
    }

    /// The `discarded` row for `value`.
    static func auditRow(_ value: DeadLetterCase, actor: String, reason: String, at now: Date) -> AuditRecord {
        AuditRecord(
            time: now, hop: .discarded, orderKey: value.orderKey, channel: value.channel, eventID: value.eventID,
            stage: "dlq", replica: actor, reason: value.provenance.reasonCode,
            detail: "case \(value.id) discarded by \(actor): \(reason)", traceID: value.traceID)
    }
}
