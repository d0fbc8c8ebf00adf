import DriftlessTesting
import Foundation
import Ledger
import XCTest

/// The conformance suite on SQLite files, plus SQLite-only behaviour (locking, memory, bad files).
final class SQLiteLedgerStoreTests: XCTestCase {
    private var directory: URL?

    override func setUpWithError() throws {
        directory = try LedgerTestServices.makeTemporaryDirectory()
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func freshPath() throws -> String {
        guard let directory else { throw XCTSkip("no temporary directory") }
        return directory.appendingPathComponent("ledger-\(UUID().uuidString).db").path
    }

    private var suite: LedgerConformance {
        get throws {
            let path = try freshPath()
            let counter = Counter()
            return LedgerConformance { "sqlite://\(path)-\(await counter.next())" }
        }
    }

    func testAppendAndTimelineOrdering() async throws { try await suite.appendAndTimelineOrdering() }
    func testSearchFilters() async throws { try await suite.searchFilters() }
    func testStateUpsertAndVersionGuard() async throws { try await suite.stateUpsertAndVersionGuard() }
    func testPurgeByAge() async throws { try await suite.purgeByAge() }
    func testSaveCountWithSeveralRowsPerKey() async throws { try await suite.saveCountWithSeveralRowsPerKey() }
    func testWriterSplitsOutRejectedRows() async throws { try await suite.writerSplitsOutRejectedRows() }
    func testNulBytesAreStoredAsReplacementCharacters() async throws {
        try await suite.nulBytesAreStoredAsReplacementCharacters()
    }
    func testWriterOfferNeverWaits() async throws { try await suite.writerOfferNeverWaits() }
    func testMigrationsIdempotent() async throws { try await suite.migrationsIdempotent() }
    func testWriterBackPressureBoundsBuffer() async throws { try await suite.writerBackPressureBoundsBuffer() }
    func testWriterKeepsRecordsAcrossOutage() async throws { try await suite.writerKeepsRecordsAcrossOutage() }
    func testWriterShutdownReportsUnwritten() async throws {
        try await suite.writerShutdownReportsUnwrittenWhenStoreStaysDown()
    }
    func testCasesAreIdempotentAndReopen() async throws { try await suite.casesAreIdempotentAndReopen() }
    func testCasesOnReusedOffsetsAreNewCases() async throws { try await suite.casesOnReusedOffsetsAreNewCases() }
    func testHoldGenerationsAreComparedAndSet() async throws { try await suite.holdGenerationsAreComparedAndSet() }
    func testPurgeCoversCasesFindingsAndRunCheckpoints() async throws {
        try await suite.purgeCoversCasesFindingsAndRunCheckpoints()
    }
    func testReconcileLeaseIsExclusiveLapsesAndKeepsTheRun() async throws {
        try await suite.reconcileLeaseIsExclusiveLapsesAndKeepsTheRun()
    }
    func testReconcileLeaseRaceHasOneWinner() async throws { try await suite.reconcileLeaseRaceHasOneWinner() }
    func testReconcileLeaseFencesAPausedHolder() async throws { try await suite.reconcileLeaseFencesAPausedHolder() }
    func testOrdersAreFoundByAnyID() async throws { try await suite.ordersAreFoundByAnyID() }
    func testReconcileFindingsUpsertPerRunAndOrder() async throws {
        try await suite.reconcileFindingsUpsertPerRunAndOrder()
    }
    func testParkingHoldsParksAndReleases() async throws { try await suite.parkingHoldsParksAndReleases() }
    func testParkingRacesLeaveNothingBehind() async throws { try await suite.parkingRacesLeaveNothingBehind() }
    func testCaseQueriesFilter() async throws { try await suite.caseQueriesFilter() }
    func testConcurrentArrivalsMakeOneCase() async throws { try await suite.concurrentArrivalsMakeOneCase() }
    func testCheckpointsMoveForwardAndSurvivePurge() async throws {
        try await suite.checkpointsMoveForwardAndSurvivePurge()
    }
    func testProcessesRegisterBeatAndPrune() async throws { try await suite.processesRegisterBeatAndPrune() }

    /// Two processes append to the same file at once (SQLite serialises them on its write lock,
    /// waiting up to the busy timeout) and race on creating the schema.
    func testTwoProcessesWriteConcurrentlyWithoutLostRows() async throws {
        let url = "sqlite://\(try freshPath())"
        let count = 300
        async let first = ChildProcess.runStressWriter(url: url, count: count, tag: "a")
        async let second = ChildProcess.runStressWriter(url: url, count: count, tag: "b")
        for result in try await [first, second] { ChildProcess.assertRan(result) }
        let store = try await Ledger.open(url: url)
        for tag in ["a", "b"] {
            let rows = try await store.search(
                AuditQuery(orderPrefix: LedgerStress.orderPrefix(tag: tag), limit: 100_000))
            XCTAssertEqual(
                Set(rows.map(\.eventID)), Set((0..<count).map { "\(tag)-\($0)" }), "process \(tag) lost rows")
            XCTAssertEqual(rows.count, count)
        }
        let shared = try await store.loadState(order: LedgerStress.sharedOrderKey, system: "erp")
        XCTAssertEqual(shared?.version, Int64(count))
        let versions = try await store.schemaVersions()
        XCTAssertEqual(versions, LedgerMigration.all.map(\.version))
        await store.close()
    }

    func testInMemoryForms() async throws {
        for url in ["sqlite::memory:", "sqlite://:memory:"] {
            let store = try await Ledger.open(url: url)
            try await store.append([LedgerFixtures.record(.received, at: 0)])
            let timeline = try await store.timeline(order: "shopify:1001")
            XCTAssertEqual(timeline.count, 1, url)
            XCTAssertEqual(store.location, "sqlite::memory:")
            await store.close()
        }
    }

    func testCreatesMissingDirectoryAndUsesWAL() async throws {
        let path = try freshPath() + ".d/nested/ledger.db"
        let store = try await Ledger.open(url: "sqlite://\(path)")
        try await store.append([LedgerFixtures.record(.received, at: 0)])
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + "-wal"), "DatabasePool runs in WAL mode")
        await store.close()
    }

    func testLockedFileFailsClearlyAfterBusyTimeout() async throws {
        // A fresh file and one already holding a ledger: both locked by another process.
        let existing = try freshPath()
        let created = try await Ledger.open(url: "sqlite://\(existing)")
        await created.close()
        for path in [existing, try freshPath()] {
            let holder = try SQLiteLockHolder(path: path)
            defer { holder.release() }
            let started = ContinuousClock.now
            do {
                let store = try await Ledger.open(url: "sqlite://\(path)?busy_timeout_ms=300")
                await store.close()
                XCTFail("opening a locked ledger must fail")
            } catch let error as LedgerError {
                guard case let .locked(location, reason) = error else {
                    return XCTFail("expected .locked, got \(error)")
                }
                XCTAssertEqual(location, "sqlite://\(path)")
                XCTAssertTrue(reason.contains("busy timeout"), reason)
            }
            let elapsed = ContinuousClock.now - started
            // The busy timeout was used (a lower bound only: a busy machine may take longer to give up).
            XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(250), "waited for the busy timeout")
        }
        // Once the lock is gone the same file opens and works.
        let store = try await Ledger.open(url: "sqlite://\(existing)?busy_timeout_ms=300")
        try await store.append([LedgerFixtures.record(.received, at: 0)])
        await store.close()
    }

    func testWriteOnOpenStoreFailsWithLockedWhileAnotherProcessWrites() async throws {
        let path = try freshPath()
        let store = try await Ledger.open(url: "sqlite://\(path)?busy_timeout_ms=200")
        let holder = try SQLiteLockHolder(path: path)
        do {
            try await store.append([LedgerFixtures.record(.received, at: 0)])
            XCTFail("append under a foreign write lock must fail")
        } catch let error as LedgerError {
            guard case .locked = error else { return XCTFail("expected .locked, got \(error)") }
        }
        holder.release()
        try await store.append([LedgerFixtures.record(.received, at: 0)])
        let timeline = try await store.timeline(order: "shopify:1001")
        XCTAssertEqual(timeline.count, 1)
        await store.close()
    }

    func testNotADatabaseFileFailsClearly() async throws {
        let path = try freshPath()
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: path))
        do {
            _ = try await Ledger.open(url: "sqlite://\(path)")
            XCTFail("garbage file must not open")
        } catch let error as LedgerError {
            guard case .cannotOpen = error else { return XCTFail("expected .cannotOpen, got \(error)") }
        }
    }

    func testRelativePathResolvedAgainstCurrentDirectory() async throws {
        guard let directory else { throw XCTSkip("no temporary directory") }
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let store = try await Ledger.open(url: LedgerURL.defaultURLString)
        let expected = directory.appendingPathComponent(".data/driftless.db").standardizedFileURL.path
        XCTAssertEqual(store.location, "sqlite://\(expected)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: expected))
        await store.close()
    }
}

/// Hands out 1, 2, 3, … so one test can make several fresh files.
actor Counter {
    private var value = 0
    func next() -> Int {
        value += 1
        return value
    }
}
