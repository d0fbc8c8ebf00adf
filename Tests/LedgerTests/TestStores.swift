import Foundation
import Ledger

/// Forwards to a real store; every append first goes through `beforeAppend` (to sleep, to fail as
/// if the database were down, or to refuse rows it picks) and is counted.
final class InterceptingStore: LedgerStore {
    let base: any LedgerStore
    let counters: Counters
    let location: String
    private let beforeAppend: @Sendable (Counters, [AuditRecord]) async throws -> Void

    init(
        _ base: any LedgerStore, name: String, counters: Counters = Counters(),
        beforeAppend: @escaping @Sendable (Counters, [AuditRecord]) async throws -> Void
    ) {
        self.base = base
        self.counters = counters
        self.location = "\(name)(\(base.location))"
        self.beforeAppend = beforeAppend
    }

    /// Sleeps `delay` before each append.
    static func slow(_ base: any LedgerStore, delay: Duration) -> InterceptingStore {
        InterceptingStore(base, name: "slow") { _, _ in try await Task.sleep(for: delay) }
    }

    /// Its first `failures` appends throw `LedgerError.unreachable`.
    static func flaky(_ base: any LedgerStore, failures: Int) -> InterceptingStore {
        let location = "flaky(\(base.location))"
        return InterceptingStore(base, name: "flaky", counters: Counters(failuresLeft: failures)) { counters, _ in
            if await counters.takeFailure() { throw LedgerError.unreachable(location, reason: "simulated outage") }
        }
    }

    /// Refuses (``LedgerError/rejected(_:reason:)``) every append holding a row `poisoned` picks, as
    /// a database refuses a value it cannot store.
    static func rejecting(_ base: any LedgerStore, poisoned: @escaping @Sendable (AuditRecord) -> Bool)
        -> InterceptingStore
    {
        let location = "rejecting(\(base.location))"
        return InterceptingStore(base, name: "rejecting") { _, records in
            if records.contains(where: poisoned) { throw LedgerError.rejected(location, reason: "simulated bad value") }
        }
    }

    func append(_ records: [AuditRecord]) async throws {
        await counters.noteAttempt()
        try await beforeAppend(counters, records)
        await counters.noteBatch(records.count)
        try await base.append(records)
    }
    func timeline(order orderKey: String) async throws -> [AuditRecord] { try await base.timeline(order: orderKey) }
    func search(_ query: AuditQuery) async throws -> [AuditRecord] { try await base.search(query) }
    func loadState(order orderKey: String, system: String) async throws -> OrderStateRecord? {
        try await base.loadState(order: orderKey, system: system)
    }
    func loadStates(orders orderKeys: [String]) async throws -> [OrderStateRecord] {
        try await base.loadStates(orders: orderKeys)
    }
    func saveStates(_ states: [OrderStateRecord], onlyIfNewer: Bool) async throws -> Int {
        try await base.saveStates(states, onlyIfNewer: onlyIfNewer)
    }
    func loadCheckpoint(_ name: String) async throws -> Date? { try await base.loadCheckpoint(name) }
    func advanceCheckpoint(_ name: String, to position: Date) async throws -> Date {
        try await base.advanceCheckpoint(name, to: position)
    }
    func purge(olderThan cutoff: Date) async throws -> LedgerPurgeResult { try await base.purge(olderThan: cutoff) }
    func schemaVersions() async throws -> [Int] { try await base.schemaVersions() }
    func close() async { await base.close() }
}

/// Counters shared by the wrappers.
actor Counters {
    private(set) var batches: [Int] = []
    /// Appends tried, failed ones included.
    private(set) var attempts = 0
    private(set) var failuresLeft: Int
    private(set) var failed = 0
    init(failuresLeft: Int = 0) { self.failuresLeft = failuresLeft }
    func noteBatch(_ size: Int) { batches.append(size) }
    func noteAttempt() { attempts += 1 }
    func takeFailure() -> Bool {
        guard failuresLeft > 0 else { return false }
        failuresLeft -= 1
        failed += 1
        return true
    }
}
