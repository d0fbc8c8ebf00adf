import DriftlessTesting
import Foundation
import Ledger
import XCTest

/// The conformance suite on PostgreSQL (each test in its own schema), plus multi-process behaviour
/// and connection failures. Needs `DRIFTLESS_TEST_POSTGRES_URL` (see `scripts/test-postgres`).
final class PostgresLedgerStoreTests: XCTestCase {
    private var baseURL = ""
    private let schemas = SchemaList()

    override func setUp() async throws {
        switch LedgerTestServices.postgres() {
        case let .available(url):
            baseURL = url
        case let .skip(reason):
            throw XCTSkip(reason)
        case let .fail(message):
            XCTFail(message)
            throw LedgerError.invalidArgument(message)
        }
    }

    override func tearDown() async throws {
        for url in await schemas.all() {
            do { try await PostgresLedgerStore.dropSchema(url: url) } catch { XCTFail("dropping \(url): \(error)") }
        }
    }

    /// A URL naming a fresh schema, dropped in tearDown.
    private func freshURL() async -> String {
        await Self.freshURL(base: baseURL, schemas: schemas)
    }

    private static func freshURL(base: String, schemas: SchemaList) async -> String {
        let url = LedgerTestServices.adding("schema", LedgerTestServices.uniqueSchemaName(prefix: "pg"), to: base)
        await schemas.add(url)
        return url
    }

    private var suite: LedgerConformance {
        let base = baseURL
        let schemas = self.schemas
        return LedgerConformance { await Self.freshURL(base: base, schemas: schemas) }
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

    /// Two processes write concurrently into a schema neither has created yet: both race on the
    /// migrations, then on audit inserts and on one shared order state with the version guard.
    func testTwoProcessesWriteConcurrentlyWithoutLostRows() async throws {
        let url = await freshURL()
        let count = 400
        async let first = ChildProcess.runStressWriter(url: url, count: count, tag: "a")
        async let second = ChildProcess.runStressWriter(url: url, count: count, tag: "b")
        let results = try await [first, second]
        for result in results { ChildProcess.assertRan(result) }

        let store = try await Ledger.open(url: url)
        for tag in ["a", "b"] {
            let rows = try await store.search(
                AuditQuery(orderPrefix: LedgerStress.orderPrefix(tag: tag), limit: 100_000))
            XCTAssertEqual(rows.count, count, "process \(tag) lost or duplicated rows")
            XCTAssertEqual(Set(rows.map(\.eventID)), Set((0..<count).map { "\(tag)-\($0)" }))
            XCTAssertTrue(rows.allSatisfy { $0.replica == tag })
        }
        let shared = try await store.loadState(order: LedgerStress.sharedOrderKey, system: "erp")
        XCTAssertEqual(shared?.version, Int64(count), "the highest version wins under concurrent guarded upserts")
        XCTAssertEqual(shared?.state, "final")
        let versions = try await store.schemaVersions()
        XCTAssertEqual(versions, LedgerMigration.all.map(\.version), "each migration applied exactly once")
        await store.close()
    }

    /// Several processes open the same fresh schema at once; the advisory lock serialises migrations.
    func testMigrationsRaceFromTwoProcesses() async throws {
        for _ in 0..<2 {
            let url = await freshURL()
            async let first = ChildProcess.runStressWriter(url: url, count: 0, tag: "m1")
            async let second = ChildProcess.runStressWriter(url: url, count: 0, tag: "m2")
            let results = try await [first, second]
            for result in results { ChildProcess.assertRan(result) }
            let store = try await Ledger.open(url: url)
            let versions = try await store.schemaVersions()
            XCTAssertEqual(versions, LedgerMigration.all.map(\.version))
            await store.close()
        }
    }

    func testWrongPasswordAndMissingDatabase() async throws {
        guard case var .postgres(options) = try LedgerURL.parse(baseURL) else {
            return XCTFail("base URL is not postgres")
        }
        let wrongPassword =
            "postgres://\(options.username):definitely-wrong@\(options.host):\(options.port)/\(options.database)"
        do {
            _ = try await Ledger.open(url: wrongPassword)
            XCTFail("wrong password must fail")
        } catch let error as LedgerError {
            guard case .authenticationFailed = error else {
                return XCTFail("expected .authenticationFailed, got \(error)")
            }
            XCTAssertFalse(error.description.contains("definitely-wrong"))
        }
        options.database = "driftless_no_such_db"
        let missing =
            "postgres://\(options.username):\(options.password ?? "")@\(options.host):\(options.port)/\(options.database)"
        do {
            _ = try await Ledger.open(url: missing)
            XCTFail("missing database must fail")
        } catch let error as LedgerError {
            guard case let .cannotOpen(_, reason) = error else { return XCTFail("expected .cannotOpen, got \(error)") }
            XCTAssertTrue(reason.contains("driftless_no_such_db"), reason)
        }
    }
}

/// URLs of schemas to drop after a test.
actor SchemaList {
    private var urls: [String] = []
    func add(_ url: String) { urls.append(url) }
    func all() -> [String] { urls }
}
