import Foundation
import Ledger

/// Forwards to a real store, sleeping before each append and checking the batch bound.
final class SlowStore: LedgerStore {
    let base: any LedgerStore
    let delay: Duration
    let counters = Counters()
    init(_ base: any LedgerStore, delay: Duration) {
        self.base = base
        self.delay = delay
    }
    var location: String { "slow(\(base.location))" }
    func append(_ records: [AuditRecord]) async throws {
        await counters.noteBatch(records.count)
        try await Task.sleep(for: delay)
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

/// Forwards to a real store, but its first `failures` appends throw as if the database were down.
final class FlakyStore: LedgerStore {
    let base: any LedgerStore
    let counters: Counters
    init(_ base: any LedgerStore, failures: Int) {
        self.base = base
        self.counters = Counters(failuresLeft: failures)
    }
    var location: String { "flaky(\(base.location))" }
    func append(_ records: [AuditRecord]) async throws {
        if await counters.takeFailure() {
            throw LedgerError.unreachable(location, reason: "simulated outage")
        }
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
