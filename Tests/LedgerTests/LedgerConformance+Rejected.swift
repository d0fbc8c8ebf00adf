import Foundation
import Ledger
import XCTest

/// Rows a store refuses for good, and callers that must not wait on the ledger (issue 9, item 5).
extension LedgerConformance {
    /// Two poisoned rows in 100: the writer splits them out, counts them, writes the other 98 and
    /// goes on with later records instead of retrying the batch forever.
    func writerSplitsOutRejectedRows() async throws {
        let (base, _) = try await open()
        let store = InterceptingStore.rejecting(base) { $0.eventID.hasPrefix("poison") }
        let writer = AuditWriter(
            store: store,
            configuration: AuditWriterConfiguration(
                capacity: 200, batchSize: 50, flushInterval: .milliseconds(5), initialBackoff: .milliseconds(2),
                maxBackoff: .milliseconds(20)))
        for index in 0..<100 {
            let event = index == 37 || index == 71 ? "poison-\(index)" : "ok-\(index)"
            try await writer.record(
                LedgerFixtures.record(.received, order: "rj:\(index)", event: event, at: Double(index)))
        }
        try await writer.flush()
        try await writer.record(LedgerFixtures.record(.received, order: "rj:late", event: "ok-late", at: 200))
        try await writer.flush()
        let stats = await writer.stats
        XCTAssertEqual(stats.rejected, 2)
        XCTAssertEqual(stats.written, 99)
        XCTAssertEqual(stats.buffered, 0)
        let stored = try await base.search(AuditQuery(orderPrefix: "rj:", limit: 1000))
        XCTAssertEqual(stored.count, 99)
        XCTAssertFalse(stored.contains { $0.eventID.hasPrefix("poison") })
        let attempts = await store.counters.attempts
        XCTAssertLessThan(attempts, 40, "split in halves, not retried forever (\(attempts) appends)")
        let lost = await writer.shutdown()
        XCTAssertEqual(lost, 0)
        await base.close()
    }

    /// A NUL byte (PostgreSQL refuses it in text) is stored as U+FFFD on both backends.
    func nulBytesAreStoredAsReplacementCharacters() async throws {
        let (store, _) = try await open()
        let writer = AuditWriter(store: store, configuration: AuditWriterConfiguration(flushInterval: .milliseconds(5)))
        var record = LedgerFixtures.record(.quarantined, order: "nul:1", event: "e\u{0}1", at: 0, reason: "bad\u{0}")
        record.detail = "payload \u{0} detail"
        try await writer.record(record)
        try await writer.record(LedgerFixtures.record(.received, order: "nul:2", event: "e2", at: 1))
        try await writer.flush()
        let stored = try await store.search(AuditQuery(orderPrefix: "nul:", limit: 10))
        XCTAssertEqual(stored.map(\.eventID), ["e\u{FFFD}1", "e2"])
        XCTAssertEqual(stored.first?.reason, "bad\u{FFFD}")
        XCTAssertEqual(stored.first?.detail, "payload \u{FFFD} detail")
        let stats = await writer.stats
        XCTAssertEqual(stats.rejected, 0)
        let lost = await writer.shutdown()
        XCTAssertEqual(lost, 0)
        await store.close()
    }

    /// `offer` returns at once while the store hangs: what fits is buffered, the rest counted as
    /// dropped; the buffered rows are written once the store answers.
    func writerOfferNeverWaits() async throws {
        let (base, _) = try await open()
        let gate = AppendGate()
        let stalled = InterceptingStore(base, name: "stalled") { _, _ in await gate.wait() }
        let writer = AuditWriter(
            store: stalled,
            configuration: AuditWriterConfiguration(capacity: 5, batchSize: 5, flushInterval: .milliseconds(1)))
        var accepted = 0
        for index in 0..<30 {
            accepted += await writer.offer(contentsOf: [
                LedgerFixtures.record(.received, order: "of:\(index)", event: "of-\(index)", at: Double(index))
            ])
        }
        XCTAssertEqual(accepted, 5)
        var stats = await writer.stats
        XCTAssertEqual(stats.dropped, 25)
        await gate.open()
        try await writer.flush()
        stats = await writer.stats
        XCTAssertEqual(stats.written, 5)
        let stored = try await base.search(AuditQuery(orderPrefix: "of:", limit: 100))
        XCTAssertEqual(stored.map(\.eventID), (0..<5).map { "of-\($0)" })
        let lost = await writer.shutdown()
        XCTAssertEqual(lost, 0)
        await base.close()
    }
}

/// Blocks appends until opened.
actor AppendGate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}
