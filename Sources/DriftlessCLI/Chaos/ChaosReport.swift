import DriftlessOperations
import Foundation

/// What a chaos run found: the table it prints and the same as JSON (`--report file.json`) for
/// comparison between runs.
struct ChaosReport: Sendable, Codable {
    struct Quantiles: Sendable, Codable, Hashable {
        var count = 0
        var p50: Double?
        var p99: Double?

        init(_ samples: [Double]) {
            let sorted = samples.sorted()
            count = sorted.count
            guard !sorted.isEmpty else { return }
            p50 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.5))]
            p99 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
        }

        var text: String {
            guard let p50, let p99 else { return "n/a" }
            return String(format: "p50 %.2f s · p99 %.2f s (%d orders)", p50, p99, count)
        }
    }

    var seed: UInt64 = 0
    var profile = "long"
    var rate = 0.0
    var trafficSeconds = 0.0
    var replicas: [String: Int] = [:]
    var storefrontOrders = 0
    var marketplaceOrders = 0
    var webhooksSent = 0
    var webhooksDuplicated = 0
    var webhooksLate = 0
    var webhooksAcknowledged = 0
    var webhooksUnanswered = 0
    var verdict = ChaosVerdict()
    var faultsPerClass: [String: Int] = [:]
    var timeline: [ChaosNemesis.Window] = []
    var nemesisErrors: [String] = []
    var settled = false
    var unsettledDetail: String?
    var settleSeconds: Double?
    var timeToSyncDuringFaults = Quantiles([])
    var timeToSyncOutsideFaults = Quantiles([])
    var peakRSSMB: [String: Int] = [:]
    var rssLimitMB = 0
    var restarts: [String: Int] = [:]
    /// Replicas that exited without being asked to (restarted by the run), `name: how`.
    var crashes: [String] = []
    var erpAnswers: [String: Int] = [:]
    var erpVersionRegressionsAttempted = 0
    var selfTest: ChaosSelfTest.Outcome?
    /// The reconciliation schedule across its lease candidates.
    var reconcile = ChaosLeaseCheck.Verdict()
    /// Orders whose ledger trace was checked, and what was missing.
    var traceSample: [String] = []
    var traceViolations: [String] = []
    /// Partitions still paused in a consumer after the settle (`replica: count`), when any.
    var pausedAfterSettle: [String] = []
    var traces: [String] = []
    var durationSeconds = 0.0
    var directory = ""
    /// `passed` or `failed` (``passed``, kept in the JSON).
    var outcome = ""

    /// Violations of the run besides the ERP's records: not settled, a process over the RSS bound, a
    /// webhook never acknowledged, a fault the nemesis could not inject or heal.
    var operational: [String] {
        var list: [String] = []
        if !settled { list.append("not settled after the faults: \(unsettledDetail ?? "?")") }
        // Tansu keeps every record in memory (its storage engine): not bounded.
        for (stage, mb) in peakRSSMB.sorted(by: { $0.key < $1.key }) where mb > rssLimitMB && stage != "tansu" {
            list.append("\(stage): peak RSS \(mb) MB over the bound of \(rssLimitMB) MB")
        }
        if webhooksUnanswered > 0 { list.append("\(webhooksUnanswered) webhooks never answered 2xx") }
        list += nemesisErrors.map { "nemesis: \($0)" }
        list += reconcile.violations
        list += traceViolations
        list += pausedAfterSettle.map { "partitions still paused after the settle: \($0)" }
        if let selfTest, !selfTest.passed { list.append("the checker's self-test failed") }
        return list
    }

    var passed: Bool { verdict.passed && operational.isEmpty }

    var text: String {
        var lines = [
            "",
            "Driftless chaos report (seed \(seed), profile \(profile), \(String(format: "%.0f", durationSeconds)) s)",
        ]
        func row(_ name: String, _ value: String) {
            lines.append("  " + name.padding(toLength: 26, withPad: " ", startingAt: 0) + value)
        }
        row("replicas", replicas.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
        row("orders", "\(storefrontOrders) storefront + \(marketplaceOrders) marketplace = \(verdict.orders)")
        row(
            "webhooks",
            "\(webhooksSent) sent (\(webhooksDuplicated) duplicated, \(webhooksLate) late), \(webhooksAcknowledged) "
                + "acknowledged, \(webhooksUnanswered) never answered")
        row("ERP effects expected", "\(verdict.expectedEffects)")
        row("  present exactly once", "\(verdict.presentOnce)")
        row("  lost", "\(verdict.lost)")
        row("  duplicated", "\(verdict.duplicated)")
        row("  extra", "\(verdict.extra)")
        row("  wrong final status", "\(verdict.wrongStatus)")
        row("  status regressed", "\(verdict.regressed)")
        row("  acknowledged, absent", "\(verdict.unaccounted)")
        row(
            "faults injected",
            ChaosFaultClass.allCases.map { "\($0.rawValue) \(faultsPerClass[$0.rawValue] ?? 0)" }.joined(
                separator: ", "))
        row(
            "settled",
            settled
                ? String(format: "%.1f s after the last fault and order", settleSeconds ?? 0)
                : "NO: \(unsettledDetail ?? "")")
        row("reconcile lease", reconcile.text)
        row("traces complete", "\(traceSample.count - traceViolations.count) of \(traceSample.count) sampled orders")
        row("paused after settle", pausedAfterSettle.isEmpty ? "none" : pausedAfterSettle.joined(separator: ", "))
        row("time to sync, in faults", timeToSyncDuringFaults.text)
        row("time to sync, outside", timeToSyncOutsideFaults.text)
        row(
            "peak RSS (bound \(rssLimitMB) MB)",
            peakRSSMB.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value) MB" }.joined(separator: ", "))
        row(
            "restarts",
            restarts.filter { $0.value > 1 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value - 1)" }.joined(
                separator: ", "))
        row("crashes (restarted)", crashes.isEmpty ? "none" : crashes.joined(separator: ", "))
        row(
            "ERP answers",
            erpAnswers.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
        if let selfTest { lines.append(selfTest.text) }
        let problems = verdict.violations + operational
        lines.append("")
        if problems.isEmpty {
            lines.append("chaos check passed: every effect exactly once, nothing extra, no status backwards, settled")
        } else {
            lines.append(
                "chaos check FAILED (\(problems.count) violations; orders: \(verdict.offendingOrders.prefix(20).joined(separator: ", ")))"
            )
            lines += problems.prefix(50).map { "  " + $0 }
            lines += traces
        }
        lines.append("logs: \(directory)")
        return lines.joined(separator: "\n")
    }

    /// The report as pretty-printed JSON.
    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
