import Foundation

/// Durable dead-letter cases (migration 4, table `cases` and `case_sources`), on both ledger
/// backends: ``SQLiteLedgerStore`` and ``PostgresLedgerStore`` conform.
///
/// The dead-letter stage records every `<p>.dead-letter` / `<p>.quarantine` record with
/// ``recordCase(_:)`` (idempotent per source record); `driftless dlq` lists, shows, replays and
/// discards them through ``cases(_:)`` and ``transitionCase(id:to:actor:reason:at:allowedFrom:)``.
public protocol CaseStore: Sendable {
    /// Records `arrival`: a new case, or — when its `reopens` names an existing case — that case
    /// reopened. The same source record (topic, partition, offset and ``CaseArrival/sourceFingerprint``)
    /// recorded twice changes nothing the second time (``CaseRecordOutcome/duplicate(caseID:)``); a
    /// source recorded before the fingerprint existed (empty) matches an arrival of the same event id.
    func recordCase(_ arrival: CaseArrival) async throws -> CaseRecordOutcome

    /// The case with `id`, or nil.
    func loadCase(id: Int64) async throws -> DeadLetterCase?

    /// Cases matching `query`, by id.
    func cases(_ query: CaseQuery) async throws -> [DeadLetterCase]

    /// Moves case `id` to `state` if its current state is in `allowedFrom` (compare and set, in one
    /// transaction), remembering who, when and why.
    func transitionCase(
        id: Int64, to state: CaseState, actor: String, reason: String?, at: Date, allowedFrom: Set<CaseState>
    ) async throws -> CaseTransitionOutcome

    /// How many cases are `open` (for metrics and alerts).
    func openCaseCount() async throws -> Int
}
