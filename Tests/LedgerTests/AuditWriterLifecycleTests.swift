import DriftlessTesting
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import XCTest

@testable import Ledger

/// The audit writer's lifecycle (open → closing → stopped) and the writer and the ledger as
/// services of a group, on a real SQLite ledger.
final class AuditWriterLifecycleTests: XCTestCase {
    private var directory: URL?

    override func setUpWithError() throws {
        directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-writer-lifecycle")
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func openLedger() async throws -> any LedgerStore {
        let directory = try XCTUnwrap(directory)
        return try await Ledger.open(url: "sqlite://" + directory.appendingPathComponent("\(UUID()).db").path)
    }

    private static var logger: Logger {
        var logger = Logger(label: "writer-lifecycle-tests")
        logger.logLevel = .warning
        return logger
    }

    func testTransitions() {
        var lifecycle = AuditWriterLifecycle.open
        XCTAssertTrue(lifecycle.accepts)
        XCTAssertEqual(lifecycle.beginShutdown(), .drain(first: true))
        XCTAssertFalse(lifecycle.accepts, "closing: no new records")
        XCTAssertFalse(lifecycle.isStopped, "closing: the loop still writes what is buffered")
        XCTAssertEqual(lifecycle.beginShutdown(), .drain(first: false), "a second shutdown joins the first")
        XCTAssertEqual(lifecycle.stop(), .stopLoop)
        XCTAssertTrue(lifecycle.isStopped)
        XCTAssertEqual(lifecycle.stop(), .none, "stopping twice is a no-op")
        XCTAssertEqual(lifecycle.beginShutdown(), .none, "a shutdown after the stop is a no-op")
        XCTAssertFalse(lifecycle.accepts)
    }

    func testRecordAfterShutdownIsRefusedAndShuttingDownTwiceIsANoOp() async throws {
        let store = try await openLedger()
        let writer = AuditWriter(store: store, logger: Self.logger)
        for index in 0..<5 {
            try await writer.record(LedgerFixtures.record(.received, order: "lc:1", event: "lc-\(index)", at: 1))
        }
        let lost = await writer.shutdown(timeout: .seconds(10))
        XCTAssertEqual(lost, 0, "what was buffered is written")
        let again = await writer.shutdown(timeout: .seconds(10))
        XCTAssertEqual(again, 0, "a second shutdown does nothing")
        do {
            try await writer.record(LedgerFixtures.record(.received, order: "lc:1", event: "late", at: 2))
            XCTFail("a record after shutdown must be refused")
        } catch LedgerError.closed {
        }
        let offered = await writer.offer(contentsOf: [LedgerFixtures.record(.received, event: "x", at: 3)])
        XCTAssertEqual(offered, 0)
        do {
            try await writer.waitUntilDurable(AuditTicket(sequence: 99))
            XCTFail("nothing becomes durable after the stop")
        } catch LedgerError.closed {
        }
        let stats = await writer.stats
        XCTAssertEqual(stats.written, 5)
        XCTAssertEqual(stats.dropped, 1, "the offer after shutdown was counted as dropped")
        let stored = try await store.search(AuditQuery(orderPrefix: "lc:", limit: 100))
        XCTAssertEqual(Set(stored.map(\.eventID)), Set((0..<5).map { "lc-\($0)" }))
        await store.close()
    }

    /// Writer and ledger listed before a part that records on its way out: the group stops that part
    /// first, then the writer drains, then the ledger closes and its background work stops.
    func testWriterAndLedgerAsServicesCloseAfterThePartsListedAfterThem() async throws {
        let store = try await openLedger()
        let writer = AuditWriter(
            store: store, configuration: AuditWriterConfiguration(flushInterval: .seconds(60)), logger: Self.logger)
        let background = Mutex<String>("not started")
        let ledger = LedgerService(
            store: store,
            background: {
                background.withLock { $0 = "running" }
                try? await Task.sleep(for: .seconds(3600))
                background.withLock { $0 = "stopped" }
            })
        let recorder = LateRecorder(writer: writer, count: 7)
        let group = ServiceGroup(services: [ledger, writer, recorder], logger: Self.logger)
        let running = Task { try await group.run() }
        await group.triggerGracefulShutdown()
        try await running.value
        XCTAssertEqual(recorder.accepted, 7, "the writer still accepted while the recorder stopped")
        XCTAssertEqual(background.withLock { $0 }, "stopped", "the ledger's background work ended with it")
        let written = await writer.stats.written
        XCTAssertEqual(written, 7, "drained before the ledger closed")
        do {
            try await writer.record(LedgerFixtures.record(.received, order: "svc:1", event: "late", at: 9))
            XCTFail("the writer's service shut it down")
        } catch LedgerError.closed {
        }
        do {
            _ = try await store.search(AuditQuery(orderPrefix: "svc:", limit: 100))
            XCTFail("the ledger's service closed the store")
        } catch {
        }
        let reopened = try await Ledger.open(url: store.location)
        let stored = try await reopened.search(AuditQuery(orderPrefix: "svc:", limit: 100))
        XCTAssertEqual(stored.count, 7, "every record recorded on the way out is in the ledger")
        await reopened.close()
    }
}

/// Records `count` rows once its graceful shutdown begins, as a stage settling its last batch does.
private final class LateRecorder: Service, Sendable {
    let writer: AuditWriter
    let count: Int
    private let taken = Mutex(0)

    init(writer: AuditWriter, count: Int) {
        self.writer = writer
        self.count = count
    }

    var accepted: Int { taken.withLock { $0 } }

    func run() async throws {
        try await gracefulShutdown()
        for index in 0..<count {
            try await writer.record(LedgerFixtures.record(.received, order: "svc:1", event: "svc-\(index)", at: 1))
            taken.withLock { $0 += 1 }
        }
    }
}
