import Foundation
import Ledger
import XCTest

/// AuditWriter behaviour on top of each backend (wrapped to be slow or failing).
extension LedgerConformance {
    func writerBackPressureBoundsBuffer() async throws {
        let (base, _) = try await open()
        let slow = InterceptingStore.slow(base, delay: .milliseconds(15))
        let capacity = 8
        let writer = AuditWriter(
            store: slow,
            configuration: AuditWriterConfiguration(capacity: capacity, batchSize: 4, flushInterval: .milliseconds(5)))
        let tasks = 8
        let perTask = 20
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for index in 0..<perTask {
                        try await writer.record(
                            LedgerFixtures.record(
                                .received, order: "bp:\(task)", event: "bp-\(task)-\(index)", at: Double(index)))
                        let stats = await writer.stats
                        XCTAssertLessThanOrEqual(stats.buffered, capacity)
                    }
                }
            }
            try await group.waitForAll()
        }
        try await writer.flush()
        let stats = await writer.stats
        XCTAssertLessThanOrEqual(stats.highWaterMark, capacity, "buffer never grows past its bound")
        XCTAssertEqual(stats.highWaterMark, capacity, "the slow store filled the buffer")
        XCTAssertGreaterThan(stats.backPressureWaits, 0, "record suspended while the buffer was full")
        XCTAssertEqual(stats.written, tasks * perTask)
        XCTAssertEqual(stats.buffered, 0)
        let batches = await slow.counters.batches
        XCTAssertTrue(batches.allSatisfy { $0 <= 4 }, "batches respect batchSize: \(batches)")
        XCTAssertLessThan(batches.count, tasks * perTask, "records were batched")
        let stored = try await base.search(AuditQuery(orderPrefix: "bp:", limit: 10_000))
        XCTAssertEqual(Set(stored.map(\.eventID)).count, tasks * perTask, "no record lost or duplicated")
        XCTAssertEqual(stored.count, tasks * perTask)
        let lost = await writer.shutdown()
        XCTAssertEqual(lost, 0)
        await base.close()
    }

    func writerKeepsRecordsAcrossOutage() async throws {
        let (base, _) = try await open()
        let flaky = InterceptingStore.flaky(base, failures: 5)
        let writer = AuditWriter(
            store: flaky,
            configuration: AuditWriterConfiguration(
                capacity: 100, batchSize: 10, flushInterval: .milliseconds(5), initialBackoff: .milliseconds(2),
                maxBackoff: .milliseconds(20)))
        for index in 0..<30 {
            try await writer.record(
                LedgerFixtures.record(.received, order: "out:1", event: "o-\(index)", at: Double(index)))
        }
        // Durability wait: returns only once the record is really stored, through the outage.
        try await writer.recordAndWait(
            LedgerFixtures.record(.validated, order: "out:1", event: "o-last", stage: "validate", at: 100))
        let afterWait = try await base.timeline(order: "out:1")
        XCTAssertEqual(afterWait.count, 31, "recordAndWait returned only after everything before it was stored")
        XCTAssertEqual(afterWait.map(\.eventID), (0..<30).map { "o-\($0)" } + ["o-last"], "order kept across retries")
        let stats = await writer.stats
        XCTAssertEqual(stats.failedAttempts, 5)
        XCTAssertEqual(stats.written, 31)
        XCTAssertNil(stats.lastError)
        let failed = await flaky.counters.failed
        XCTAssertEqual(failed, 5)
        let ticket = try await writer.record(
            LedgerFixtures.record(.translated, order: "out:1", event: "o-t", stage: "translate", at: 101))
        try await writer.waitUntilDurable(ticket)
        try await writer.flush()
        let lost = await writer.shutdown()
        XCTAssertEqual(lost, 0)
        do {
            try await writer.record(LedgerFixtures.record(.received, at: 1))
            XCTFail("record after shutdown must throw")
        } catch let error as LedgerError {
            guard case .closed = error else { return XCTFail("unexpected \(error)") }
        }
        let final = try await base.timeline(order: "out:1")
        XCTAssertEqual(final.count, 32)
        await base.close()
    }

    func writerShutdownReportsUnwrittenWhenStoreStaysDown() async throws {
        let (base, _) = try await open()
        let down = InterceptingStore.flaky(base, failures: Int.max)
        let writer = AuditWriter(
            store: down,
            configuration: AuditWriterConfiguration(
                capacity: 10, batchSize: 5, initialBackoff: .milliseconds(2), maxBackoff: .milliseconds(10)))
        for index in 0..<7 {
            try await writer.record(
                LedgerFixtures.record(.received, order: "down:1", event: "d\(index)", at: Double(index)))
        }
        // Shutdown returns although the store never comes back (the store fails forever: returning at
        // all is the bound), and reports what it could not write.
        let lost = await writer.shutdown(timeout: .milliseconds(200))
        XCTAssertEqual(lost, 7, "shutdown reports what it could not write instead of hiding it")
        let stored = try await base.timeline(order: "down:1")
        XCTAssertTrue(stored.isEmpty)
        await base.close()
    }
}
