import Foundation

/// Durable storage of the audit trail and the per-order state.
///
/// Two backends implement it: ``SQLiteLedgerStore`` (embedded default) and ``PostgresLedgerStore``
/// (shared by replicas). Open one with ``Ledger/open(url:logger:)``. All methods are safe to call
/// concurrently; failures are ``LedgerError``s.
public protocol LedgerStore: Sendable {
    /// A short description of where the data lives (URL without password).
    var location: String { get }

    /// Appends audit records in one transaction (all or nothing).
    func append(_ records: [AuditRecord]) async throws

    /// All records of one order, ordered by time then id.
    func timeline(order orderKey: String) async throws -> [AuditRecord]

    /// Records matching `query`: the most recent `query.limit`, returned oldest first.
    func search(_ query: AuditQuery) async throws -> [AuditRecord]

    /// The state of one order as seen by one system.
    func loadState(order orderKey: String, system: String) async throws -> OrderStateRecord?

    /// The states of many orders (all systems), in no particular order.
    func loadStates(orders orderKeys: [String]) async throws -> [OrderStateRecord]

    /// Upserts states in one transaction. With `onlyIfNewer`, a row is written only when its version
    /// is greater than the stored one. Returns how many of `states` are written when applied one by
    /// one in order (every backend counts the same: several rows of one key count each row that was
    /// newer than the stored one and those before it; without the guard every row counts).
    @discardableResult
    func saveStates(_ states: [OrderStateRecord], onlyIfNewer: Bool) async throws -> Int

    /// The position of checkpoint `name` (e.g. `poller:<name>`), or nil if it was never advanced.
    func loadCheckpoint(_ name: String) async throws -> Date?

    /// Moves checkpoint `name` forward to `position`; an older position leaves it unchanged (two
    /// replicas advancing the same checkpoint cannot move it back). Returns the stored position.
    @discardableResult
    func advanceCheckpoint(_ name: String, to position: Date) async throws -> Date

    /// Deletes rows older than `cutoff` (retention) — audit rows, and where the store keeps them closed
    /// cases, findings, per-run checkpoints and run history (``purge(_:)`` with one cutoff for all).
    /// Order states and the other checkpoints are kept:
    /// an order's last state and version is what keeps a late event on a dormant order correct
    /// (a cancelled order stays cancelled), and there is one row per order, not per event.
    func purge(olderThan cutoff: Date) async throws -> LedgerPurgeResult

    /// Retention of every growing table: audit rows, closed cases (and their source rows),
    /// reconciliation findings, per-run checkpoints and run history, each older than its cutoff.
    /// Open and replayed cases, order states and the other checkpoints are kept.
    func purge(_ cutoffs: LedgerPurgeCutoffs) async throws -> LedgerPurgeResult

    /// Applied schema versions, ascending.
    func schemaVersions() async throws -> [Int]

    /// Releases connections. The store must not be used afterwards.
    func close() async
}

extension LedgerStore {
    /// A store without cases or reconciliation (test doubles): purges audit rows only.
    public func purge(_ cutoffs: LedgerPurgeCutoffs) async throws -> LedgerPurgeResult {
        guard let cutoff = cutoffs.auditRecords else { return LedgerPurgeResult() }
        return try await purge(olderThan: cutoff)
    }

    /// Upserts states unconditionally (last writer wins).
    @discardableResult
    public func saveStates(_ states: [OrderStateRecord]) async throws -> Int {
        try await saveStates(states, onlyIfNewer: false)
    }

    /// Appends one record.
    public func append(_ record: AuditRecord) async throws {
        try await append([record])
    }
}
