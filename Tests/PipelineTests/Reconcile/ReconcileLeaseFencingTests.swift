import DriftlessTesting
import Foundation
import Ledger
import OrderModel
import Simulators
import Synchronization
import XCTest

@testable import Pipeline

/// The reconciliation lease's fencing token on real SQLite and PostgreSQL ledgers: holder A is paused
/// mid-run (a gate before its second page) past its lease's time to live (an injected clock, not a
/// sleep), B takes the lease and runs; when A goes on, its writes are refused and it stops.
final class ReconcileLeaseFencingTests: XCTestCase {
    private let ledgers = ReconcileTestLedger(prefix: "driftless-fencing")
    private let schemas = Mutex<[String]>([])
    private let topics = PipelineTopics(prefix: "fencing-test")

    override func tearDown() async throws {
        ledgers.remove()
        for url in schemas.withLock({ $0 }) { try await PostgresLedgerStore.dropSchema(url: url) }
    }

    func testSQLitePausedHolderPastItsLeaseStopsWithoutWriting() async throws {
        try await pausedHolder(ledger: ledgers.open(), clockAdvances: true)
    }

    func testSQLitePausedHolderWithAClockBehindIsFencedByTheLedger() async throws {
        try await pausedHolder(ledger: ledgers.open(), clockAdvances: false)
    }

    func testPostgresPausedHolderPastItsLeaseStopsWithoutWriting() async throws {
        try await pausedHolder(ledger: postgres(), clockAdvances: true)
    }

    func testPostgresPausedHolderWithAClockBehindIsFencedByTheLedger() async throws {
        try await pausedHolder(ledger: postgres(), clockAdvances: false)
    }

    private func postgres() async throws -> any ReconcileLedger {
        switch LedgerTestServices.postgres() {
        case .available(let base):
            let url = LedgerTestServices.adding(
                "schema", LedgerTestServices.uniqueSchemaName(prefix: "fence"), to: base)
            schemas.withLock { $0.append(url) }
            let store = try await Ledger.open(url: url)
            return try XCTUnwrap(store as? any ReconcileLedger)
        case .skip(let reason): throw XCTSkip(reason)
        case .fail(let message): throw LedgerError.invalidArgument(message)
        }
    }

    /// `clockAdvances`: A's own clock moves past its lease during the pause (A stops on its own,
    /// `leaseExpired`); otherwise A's clock stays behind (a stalled clock) and only the ledger's token
    /// check stops it (`leaseLost`). Either way nothing A would do after B's acquisition is written.
    private func pausedHolder(ledger: any ReconcileLedger, clockAdvances: Bool) async throws {
        defer { Task { await ledger.close() } }
        let rig = try await ReconcileJobTests.rig(
            graphQL: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: .infinity))
        defer { Task { await rig.stop() } }
        let t0 = await rig.storefront.store.now().addingTimeInterval(60)
        let clockA = Mutex(t0)
        let gate = PageGate(before: 1)
        let sentA = ReconcileJobTests.Sent()
        let metrics = PipelineMetrics()
        let stats = ReconcileAPIStats()
        let a = ReconcileJob(
            settings: ReconcileSettings(leaseTTL: .seconds(300), owner: "replica-a"),
            channels: [
                GatedReader(
                    inner: try ShopifyOrdersReader(
                        configuration: ShopifyAdminConfiguration(
                            baseURL: rig.storefront.server.baseURL, accessToken: Secret("shpat_test"), pageSize: 3),
                        stats: stats), gate: gate)
            ],
            erp: ERPViewReader(sync: rig.sync, stats: stats), stats: stats, matrix: try MappingMatrix.default,
            ledger: ledger, topics: topics, send: { records in sentA.records.withLock { $0 += records } },
            metrics: metrics, logger: ReconcileJobTests.quiet("reconcile-a"), clock: { clockA.withLock { $0 } })
        let runningA = Task { await a.run() }
        let paused = await eventually(timeout: .seconds(60)) { await gate.reached }
        XCTAssertTrue(paused, "A held the lease, handled its first page and waits for the second")
        let sentBefore = sentA.records.withLock { $0.count }
        XCTAssertGreaterThan(sentBefore, 0, "A corrected drift on its first page")
        let runIDFound = try await ledger.reconcileRunRecords(limit: 1).first?.runID
        let runID = try XCTUnwrap(runIDFound)
        let findingsBefore = try await ledger.findings(runID: runID, since: nil, limit: 100).count

        // Paused past the lease: B's clock (and A's, when it advances) is past A's expiry.
        let later = t0.addingTimeInterval(301)
        if clockAdvances { clockA.withLock { $0 = later } }
        let sentB = ReconcileJobTests.Sent()
        let b = try ReconcileJobTests.job(
            rig, ledger: ledger, topics: topics, now: later, sent: sentB, producer: nil, owner: "replica-b")
        let reportB = await b.run()
        XCTAssertEqual(reportB.result, "drift-found", reportB.text)
        XCTAssertTrue(reportB.resumed, "B resumed A's run")
        XCTAssertEqual(reportB.runID, runID)
        let findingsAfterB = try await ledger.findings(runID: runID, since: nil, limit: 100)
        let recordAfterB = try await ledger.reconcileRunRecord(runID: runID)

        await gate.open()
        let reportA = await runningA.value
        XCTAssertEqual(reportA.result, "failed", reportA.text)
        let expected: ReconcileRunError = clockAdvances ? .leaseExpired("reconcile") : .leaseLost("reconcile")
        XCTAssertEqual(reportA.error, String(describing: expected))
        let generationA = try XCTUnwrap(reportA.leaseGeneration)
        let generationB = try XCTUnwrap(reportB.leaseGeneration)
        XCTAssertGreaterThan(generationB, generationA, "the generation strictly increases")
        let actedUntil = try XCTUnwrap(reportA.leaseActedUntil)
        let startedB = try XCTUnwrap(reportB.startedAt)
        XCTAssertLessThan(actedUntil, startedB, "A's last write came before B started")

        // Nothing A did after the takeover reached the broker or the ledger.
        XCTAssertEqual(sentA.records.withLock { $0.count }, sentBefore, "A sent no record after the takeover")
        let findingsAfterA = try await ledger.findings(runID: runID, since: nil, limit: 100)
        XCTAssertEqual(findingsAfterA, findingsAfterB, "A wrote no finding after the takeover")
        XCTAssertGreaterThan(findingsAfterB.count, findingsBefore)
        let recordAfterA = try await ledger.reconcileRunRecord(runID: runID)
        XCTAssertEqual(recordAfterA, recordAfterB, "A did not write its outcome over B's")
        XCTAssertEqual(recordAfterA?.result, "drift-found")
        let checkpoint = try await ledger.loadCheckpoint("reconcile:reconcile")
        XCTAssertEqual(
            try XCTUnwrap(checkpoint).timeIntervalSince1970, reportB.windowEnd.timeIntervalSince1970, accuracy: 0.001,
            "B finished the run")
        let exposition = String(decoding: metrics.exposition(), as: UTF8.self)
        let reason = clockAdvances ? "expired" : "taken"
        XCTAssertTrue(
            exposition.contains("driftless_reconciliation_lease_lost_total{reason=\"\(reason)\"} 1"), exposition)
        // The next acquisition (the lease was released by B) raises the generation again.
        let next = try await ledger.acquireReconcileLease(
            name: "reconcile", owner: "replica-a", ttl: .seconds(60), now: later.addingTimeInterval(1))
        let nextGeneration = try XCTUnwrap(next?.generation)
        XCTAssertGreaterThan(nextGeneration, generationB)
    }
}

/// Lets a run read pages up to `before`, then holds its next page until ``open()``.
actor PageGate {
    private let before: Int
    private var calls = 0
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// Whether a reader waits at the gate (or went through it).
    private(set) var reached = false

    init(before: Int) { self.before = before }

    func pass() async {
        calls += 1
        guard calls > before, !isOpen else { return }
        reached = true
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}

/// A channel reader whose pages pass a ``PageGate``.
struct GatedReader: ChannelOrderReader {
    let inner: any ChannelOrderReader
    let gate: PageGate

    var system: String { inner.system }

    func page(since: Date, until: Date, cursor: String?) async throws -> (
        orders: [ChannelOrderSnapshot], next: String?
    ) {
        await gate.pass()
        return try await inner.page(since: since, until: until, cursor: cursor)
    }
}
