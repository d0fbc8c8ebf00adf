import DriftlessOperations
import Foundation
import Ledger

/// The self-test's second half: the checks that do not look at the ERP — the reconciliation lease
/// across its candidates, trace completeness, paused partitions, and the run's operational bounds —
/// each shown to pass on a right record and to fire on a spoiled one.
extension ChaosSelfTest {
    /// Every operational check, right then spoiled; `baselineViolations` collects what a right record
    /// wrongly reported.
    static func operationalCases() -> (baselineViolations: [String], cases: [Case]) {
        var baseline: [String] = []
        var cases: [Case] = []
        func add(_ name: String, _ subject: String, _ violations: [String], expect marker: String) {
            cases.append(
                Case(
                    name: name, order: subject, fired: violations.contains { $0.contains(marker) },
                    violations: violations))
        }

        // The lease: a and b wake every 10 s slot; one runs, the other skips; a is killed, b takes over.
        let zero = Date(timeIntervalSince1970: 1_800_000_000)
        func run(
            _ candidate: String, _ at: Double, _ result: String = "ok", seconds: Double = 2, generation: Int64? = nil
        ) -> ChaosReconcileRun {
            let held = result != "skipped"
            return ChaosReconcileRun(
                candidate: candidate, result: result, runID: held ? "r\(Int(at))" : "", resumed: false,
                startedAt: zero.addingTimeInterval(at), seconds: seconds,
                generation: held ? generation ?? Int64(at * 10) : nil,
                actedUntil: held ? zero.addingTimeInterval(at + seconds) : nil)
        }
        let right = [
            run("reconcile-0", 0.1), run("reconcile-1", 0.2, "skipped"), run("reconcile-0", 10.1),
            run("reconcile-1", 10.1, "skipped"), run("reconcile-1", 30.1), run("reconcile-1", 40.1),
        ]
        let kill = ChaosLeaseCheck.Kill(
            victim: "reconcile-0", at: zero.addingTimeInterval(15), back: zero.addingTimeInterval(45))
        baseline += ChaosLeaseCheck.check(runs: right, interval: 10, kills: [kill]).violations
        add(
            "a slot run twice", "reconcile",
            ChaosLeaseCheck.check(runs: right + [run("reconcile-1", 3)], interval: 10, kills: [kill]).violations,
            expect: "ran 2×")
        add(
            "candidates running at once", "reconcile",
            ChaosLeaseCheck.check(
                runs: right + [run("reconcile-0", 50.1, seconds: 15), run("reconcile-1", 60.1)], interval: 10,
                kills: [kill]
            ).violations, expect: "at the same time")
        add(
            "a lease generation held twice", "reconcile",
            ChaosLeaseCheck.check(
                runs: right + [run("reconcile-1", 20.1, generation: 101)], interval: 10, kills: [kill]
            )
            .violations, expect: "held by 2 attempts")
        add(
            "no handover after the holder's kill", "reconcile",
            ChaosLeaseCheck.check(
                runs: right.filter { $0.candidate == "reconcile-0" }, interval: 10, kills: [kill]
            ).violations, expect: "no other candidate ran")
        add(
            "schedule never ran", "reconcile",
            ChaosLeaseCheck.check(
                runs: right.map {
                    var skipped = $0
                    skipped.result = "skipped"
                    return skipped
                }, interval: 10, kills: []
            )
            .violations, expect: "no candidate ever ran")

        // Trace completeness: every stage's hop, or the order is named.
        func hop(_ hop: AuditHop) -> AuditRecord {
            AuditRecord(hop: hop, orderKey: "shopify:7", eventID: "e1", stage: "test")
        }
        let fullTrace = [hop(.received), hop(.validated), hop(.translated), hop(.dispatched)]
        baseline += ChaosTraceCheck.missing(fullTrace).map { "shopify:7: trace lacks \($0.rawValue)" }
        add(
            "trace without its dispatch", "shopify:7",
            ChaosTraceCheck.missing(Array(fullTrace.dropLast())).map { "shopify:7: trace lacks \($0.rawValue)" },
            expect: "lacks dispatched")

        // Paused partitions, as a replica's /metrics shows them.
        let quiet =
            "# TYPE driftless_consumer_paused_partitions gauge\ndriftless_consumer_paused_partitions{stage=\"retry\"} 0\n"
        if ChaosPausedPartitions.count(inMetrics: quiet) != 0 {
            baseline.append("paused partitions counted in \(quiet)")
        }
        let stuck = quiet + "driftless_consumer_paused_partitions{stage=\"dispatch\"} 2\n"
        let paused = ChaosPausedPartitions.count(inMetrics: stuck)
        add(
            "partition left paused", "dispatch-0", paused > 0 ? ["dispatch-0: \(paused) paused"] : [],
            expect: "2 paused")

        // The run's bounds (the report's operational violations).
        var report = ChaosReport()
        report.settled = true
        report.rssLimitMB = 768
        report.peakRSSMB = ["dispatch": 300, "tansu": 2000]
        baseline += report.operational
        var spoiled = report
        spoiled.peakRSSMB["retry"] = 900
        add("a process over the RSS bound", "retry", spoiled.operational, expect: "retry: peak RSS 900 MB")
        spoiled = report
        spoiled.settled = false
        spoiled.unsettledDetail = "lag x on y: 3"
        add("not settled", "cluster", spoiled.operational, expect: "not settled")
        spoiled = report
        spoiled.webhooksUnanswered = 2
        add("webhooks never answered", "cluster", spoiled.operational, expect: "2 webhooks never answered")
        return (baseline, cases)
    }
}
