import Foundation
import Ledger

/// Forwards to a real store; every append first goes through `beforeAppend` (to sleep, or to fail
/// as if the database were down) and is counted.
final class InterceptingStore: LedgerStore {
    let base: any LedgerStore
    let counters: Counters
    let location: String
    private let beforeAppend: @Sendable (Counters) async throws -> Void

    init(
        _ base: any LedgerStore, name: String, counters: Counters = Counters(),
        beforeAppend: @escaping @Sendable (Counters) async throws -> Void
    ) {
        self.base = base
        self.counters = counters
        self.location = "\(name)(\(base.location))"
        self.beforeAppend = beforeAppend
    }

    /// Sleeps `delay` before each append.
    static func slow(_ base: any LedgerStore, delay: Duration) -> InterceptingStore {
        InterceptingStore(base, name: "slow") { _ in try await Task.sleep(for: delay) }
    }

    /// Its first `failures` appends throw `LedgerError.unreachable`.
    static func flaky(_ base: any LedgerStore, failures: Int) -> InterceptingStore {
        let location = "flaky(\(base.location))"
        return InterceptingStore(base, name: "flaky", counters: Counters(failuresLeft: failures)) { counters in
            if await counters.takeFailure() { throw LedgerError.unreachable(location, reason: "simulated outage") }
        }
    }

    func append(_ records: [AuditRecord]) async throws {
        try await beforeAppend(counters)
        await counters.noteBatch(records.count)
        try await base.append(records)
    }
    func timeline(order orderKey: String) async throws -> [AuditRecord] { try await base.timeline(order: orderKey) }
    func search(_ query: AuditQuery) async throws -> [AuditRecord] { try await base.search(query) }
    func loadState(order orderKey: String, system: String) async throws -> OrderStateRecord? {
        try await base.loadState(order: orderKey, system: system)
    }
    func loadStates(orders orderKeys: [String]) async throws -> [OrderStateRecord] { try await base.loadStates(orders: orderKeys) }
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
    private(set) var failuresLeft: Int
    private(set) var failed = 0
    init(failuresLeft: Int = 0) { self.failuresLeft = failuresLeft }
    func noteBatch(_ size: Int) { batches.append(size) }
    func takeFailure() -> Bool {
        guard failuresLeft > 0 else { return false }
        failuresLeft -= 1
        failed += 1
        return true
    }
}
