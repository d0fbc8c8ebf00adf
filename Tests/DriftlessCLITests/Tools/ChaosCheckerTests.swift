import Foundation
import Pipeline
import Simulators
import XCTest

@testable import DriftlessCLI
@testable import DriftlessOperations

/// The chaos checker fires on each way the ERP can be wrong, naming the order; the nemesis' timeline
/// is seeded and the short profile has every fault class.
final class ChaosCheckerTests: XCTestCase {
    /// From the storefront simulator's real lifecycles and marketplace orders: the right ERP state
    /// passes; a fulfilment created twice, a deposit dropped, a stray credit memo, a status written
    /// backwards, a wrong final status and an acknowledged order missing each fail, with that order.
    func testTheCheckerReportsEachViolationWithItsOrder() async throws {
        let outcome = try await ChaosCommand.selfTestOnly(seed: 5)
        XCTAssertTrue(outcome.baselinePassed, outcome.baselineViolations.joined(separator: "\n"))
        XCTAssertEqual(
            Set(outcome.cases.map(\.name)),
            [
                "fulfilment created twice", "deposit dropped", "stray credit memo", "status written backwards",
                "wrong final status", "acknowledged order missing", "related record created twice by the ERP",
                "a slot run twice", "candidates running at once", "a lease generation held twice",
                "no handover after the holder's kill",
                "schedule never ran", "trace without its dispatch", "partition left paused",
                "a process over the RSS bound", "not settled", "webhooks never answered",
            ])
        for item in outcome.cases {
            XCTAssertTrue(item.fired, "\(item.name) on \(item.order): \(item.violations)")
            if item.order != "cluster" {
                XCTAssertTrue(item.violations.allSatisfy { $0.hasPrefix(item.order + ": ") }, "\(item.violations)")
            }
        }
        XCTAssertTrue(outcome.passed)
    }

    /// A lower version after a higher one is a regression, wherever it lands; equal or rising ones are not.
    func testRegressionsAreWritesBelowTheHighestVersionSoFar() {
        let now = Date()
        func write(_ order: String, _ version: Int64?) -> ChaosWrite {
            ChaosWrite(salesOrder: order, version: version, status: "B", time: now)
        }
        XCTAssertEqual(
            ChaosChecker.regressions([write("1", 1), write("1", 2), write("1", 2), write("2", 1), write("1", nil)]), [])
        let found = ChaosChecker.regressions([
            write("1", 1), write("1", 3), write("2", 5), write("1", 2), write("1", 4),
        ])
        XCTAssertEqual(found, [ChaosChecker.Regression(salesOrder: "1", version: 2, status: "B", after: 3)])
    }

    /// An order the ERP has no trace of fails as lost and, when one of its webhooks was answered 200,
    /// as acknowledged but absent.
    func testAnAcknowledgedOrderWithoutASalesOrderIsReported() {
        let expectation = OracleExpectation(
            orderKey: "shopify:42", salesOrderExternalID: "so-shopify-42", status: "B",
            effects: [OracleEffect(.salesOrder)])
        let verdict = ChaosChecker.check(
            expectations: [expectation], records: [], writes: [], acknowledgedOrders: ["shopify:42"])
        XCTAssertFalse(verdict.passed)
        XCTAssertEqual(verdict.lost, 1)
        XCTAssertEqual(verdict.unaccounted, 1)
        XCTAssertEqual(verdict.offendingOrders, ["shopify:42"])
    }

    /// Same seed, same timeline; the short profile injects every class once, on existing replicas.
    func testTheNemesisTimelineIsSeededAndTheShortProfileHasEveryClass() throws {
        let names: [StageName: [String]] = [
            .ingest: ["ingest-0", "ingest-1"], .validate: ["validate-0", "validate-1"],
            .translate: ["translate-0", "translate-1"], .dispatch: ["dispatch-0", "dispatch-1", "dispatch-2"],
            .retry: ["retry-0", "retry-1"], .deadLetter: ["dead-letter-0"],
        ]
        let short = ChaosSettings.short(seed: 9, rate: nil)
        let plan = ChaosNemesisPlan.make(settings: short, replicaNames: names)
        XCTAssertEqual(plan, ChaosNemesisPlan.make(settings: short, replicaNames: names))
        XCTAssertEqual(plan.map(\.fault).sorted(), ChaosFaultClass.allCases)
        let all = Set(names.values.flatMap { $0 })
        for event in plan where [.kill, .pause].contains(event.fault) {
            XCTAssertTrue(all.contains(event.target), event.line)
        }
        XCTAssertTrue(zip(plan, plan.dropFirst()).allSatisfy { $0.at + $0.seconds < $1.at }, "one fault at a time")
        var long = ChaosSettings()
        long.seed = 9
        long.trafficSeconds = 900
        long.faults = [.kill, .pause]
        let cycling = ChaosNemesisPlan.make(settings: long, replicaNames: names)
        XCTAssertGreaterThan(cycling.count, 10)
        XCTAssertTrue(cycling.allSatisfy { [.kill, .pause].contains($0.fault) && $0.at + $0.seconds <= 895 })
        XCTAssertThrowsError(try ChaosFaultClass.parse(list: "kill,nap"))
        XCTAssertEqual(try ChaosFaultClass.parse(list: "none"), [])
    }

    /// The lease candidates' reports are read back from what `driftless reconcile --schedule --json`
    /// prints (pretty JSON objects one after another; a half-written last one is ignored), and the
    /// check counts who ran each slot and the handover after a kill.
    func testLeaseCandidatesReportsAreParsedAndChecked() throws {
        let zero = Date(timeIntervalSince1970: 1_800_000_000)
        func report(_ result: String, at offset: Double, seconds: Double) -> String {
            var report = ReconcileReport(
                result: result, runID: result == "skipped" ? "" : "r\(Int(offset))", dryRun: false, resumed: false,
                windowStart: zero, windowEnd: zero.addingTimeInterval(offset))
            report.startedAt = zero.addingTimeInterval(offset)
            report.durationSeconds = seconds
            if result != "skipped" {
                report.leaseGeneration = Int64(offset) + 1
                report.leaseActedUntil = zero.addingTimeInterval(offset + seconds)
            }
            return ReconcileCommand.json(report)
        }
        let first = [report("ok", at: 0, seconds: 2), report("drift-found", at: 20, seconds: 3)].joined(separator: "\n")
        let second =
            [report("skipped", at: 0, seconds: 0), report("ok", at: 40, seconds: 1)].joined(separator: "\n")
            + "\n{\n  \"result\" : \"o"
        let runs =
            ChaosReconcileRun.parse(candidate: "reconcile-0", text: first)
            + ChaosReconcileRun.parse(candidate: "reconcile-1", text: second)
        XCTAssertEqual(runs.map(\.result), ["ok", "drift-found", "skipped", "ok"])
        XCTAssertEqual(runs.map(\.startedAt), [zero, zero.addingTimeInterval(20), zero, zero.addingTimeInterval(40)])
        XCTAssertEqual(runs.map(\.generation), [1, 21, nil, 41])
        XCTAssertEqual(runs.map(\.actedUntil), [2, 23, nil, 41].map { $0.map { zero.addingTimeInterval($0) } })
        let kill = ChaosLeaseCheck.Kill(
            victim: "reconcile-0", at: zero.addingTimeInterval(25), back: zero.addingTimeInterval(50))
        let verdict = ChaosLeaseCheck.check(runs: runs, interval: 10, kills: [kill])
        XCTAssertEqual(verdict.violations, [])
        XCTAssertEqual(verdict.ran, ["reconcile-0": 2, "reconcile-1": 1])
        XCTAssertEqual(verdict.skipped, 1)
        XCTAssertEqual(verdict.handovers, 1)
        // The same kill without reconcile-1's run at +40 s: nobody took over.
        let lonely = ChaosLeaseCheck.check(runs: Array(runs.prefix(3)), interval: 10, kills: [kill])
        XCTAssertEqual(lonely.handovers, 0)
        XCTAssertEqual(lonely.violations.count, 1, "\(lonely.violations)")
        // A holder cut off from the ledger reports its lost lease only when its blocked call returns,
        // after the next holder resumed the same run; fenced, it wrote nothing after its last fenced
        // write (+3 s): counted, not a violation. Without fencing (no generation) the same reports are
        // two runs acting at once, and so are two runs whose fenced writes overlap.
        func run(
            _ candidate: String, _ result: String, _ id: String, at offset: Double, _ seconds: Double,
            generation: Int64? = nil, acted: Double? = nil
        ) -> ChaosReconcileRun {
            ChaosReconcileRun(
                candidate: candidate, result: result, runID: id, resumed: false,
                startedAt: zero.addingTimeInterval(offset), seconds: seconds, generation: generation,
                actedUntil: acted.map { zero.addingTimeInterval(offset + $0) })
        }
        let cutOff = ChaosLeaseCheck.check(
            runs: [
                run("reconcile-1", "failed", "r1", at: 100, 12, generation: 7, acted: 3),
                run("reconcile-0", "ok", "r1", at: 108, 3, generation: 8, acted: 3),
            ], interval: 8, kills: [])
        XCTAssertEqual(cutOff.violations, [])
        XCTAssertEqual(cutOff.failingOverlaps, 1)
        XCTAssertEqual(cutOff.longestFailingOverlap, 4, accuracy: 0.001)
        let unfenced = ChaosLeaseCheck.check(
            runs: [run("reconcile-1", "failed", "r1", at: 100, 12), run("reconcile-0", "ok", "r1", at: 108, 3)],
            interval: 8, kills: [])
        XCTAssertEqual(unfenced.violations.count, 1, "\(unfenced.violations)")
        // Both candidates failing one slot before either could take the lease (PostgreSQL down: seed 3
        // of the short profile) ran nothing: with fencing, a failed report without a generation is
        // counted apart, not as a second run of the slot.
        let ledgerDown = ChaosLeaseCheck.check(
            runs: [
                run("reconcile-0", "ok", "r0", at: 92, 2, generation: 6, acted: 2),
                run("reconcile-0", "failed", "r1", at: 100, 0.01),
                run("reconcile-1", "failed", "r2", at: 100, 0.02),
            ], interval: 8, kills: [])
        XCTAssertEqual(ledgerDown.violations, [])
        XCTAssertEqual(ledgerDown.failedBeforeLease, 2)
        XCTAssertEqual(ledgerDown.ran, ["reconcile-0": 1])
        XCTAssertEqual(ledgerDown.skipped, 0)
        let actedTogether = ChaosLeaseCheck.check(
            runs: [
                run("reconcile-1", "failed", "r1", at: 100, 12, generation: 7, acted: 10),
                run("reconcile-0", "ok", "r1", at: 108, 3, generation: 8, acted: 3),
            ], interval: 8, kills: [])
        XCTAssertEqual(actedTogether.violations.count, 1, "\(actedTogether.violations)")
        XCTAssertTrue(
            actedTogether.violations[0].contains("acted at the same time for 2.0 s"), "\(actedTogether.violations)")
        let together = ChaosLeaseCheck.check(
            runs: [run("reconcile-1", "ok", "r1", at: 100, 12), run("reconcile-0", "ok", "r2", at: 108, 3)],
            interval: 8, kills: [])
        XCTAssertEqual(together.violations.count, 1, "\(together.violations)")
        // Each generation once, rising with the start times.
        let twice = ChaosLeaseCheck.check(
            runs: [
                run("reconcile-1", "ok", "r1", at: 100, 2, generation: 7, acted: 2),
                run("reconcile-0", "ok", "r2", at: 108, 2, generation: 7, acted: 2),
            ], interval: 8, kills: [])
        XCTAssertEqual(twice.violations.count, 1, "\(twice.violations)")
        XCTAssertTrue(twice.violations[0].contains("generation 7 held by 2 attempts"), "\(twice.violations)")
        let backwards = ChaosLeaseCheck.check(
            runs: [
                run("reconcile-1", "ok", "r1", at: 100, 2, generation: 9, acted: 2),
                run("reconcile-0", "ok", "r2", at: 108, 2, generation: 8, acted: 2),
            ], interval: 8, kills: [])
        XCTAssertEqual(backwards.violations.count, 1, "\(backwards.violations)")
    }
}
