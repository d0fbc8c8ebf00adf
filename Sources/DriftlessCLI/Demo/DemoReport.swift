import DriftlessOperations
import Foundation
import Ledger
import OrderModel
import Pipeline

/// Everything the demo measured and checked; `text` is what it prints at the end.
struct DemoReport: Sendable {
    var settings: DemoSettings
    var ledgerURL: String
    var directory: URL
    var bootstrapServers = ""
    /// `driftless.yaml` with the demo's Kafka, ledger and retry tiers (for `lag`, `dlq replay`).
    var configFile = ""
    var metricsURL = ""
    var scenario = DemoScenario()
    var duration: Duration = .zero
    var metrics = DemoMetrics()
    var trafficSettled = DemoMetrics()
    var quarantineReplay: ReplaySummary?
    var flaggedReplay: ReplaySummary?
    var reconcile: ReconcileReport?
    var verify: ReconcileReport?
    var findings: [ReconcileFinding] = []
    var check = DemoCheck()
    var openCases = 0
    var erpAnswers: [Int: Int] = [:]
    var erpTokens = 0
    var lwaTokens = 0

    init(settings: DemoSettings, ledgerURL: String, directory: URL) {
        self.settings = settings
        self.ledgerURL = ledgerURL
        self.directory = directory
    }

    /// Whether the demo passed: the ERP check, and every injected pattern found.
    var passed: Bool { check.passed && missedInjections.isEmpty }

    /// Injected faults reconciliation (or quarantine) did not catch on every order they hit.
    var missedInjections: [String] {
        scenario.injections.compactMap { injection in
            let row = outcome(of: injection)
            return row.detected < injection.orderKeys.count ? injection.kind.fault : nil
        }
    }

    /// Per injection: orders found, auto-corrected, flagged.
    func outcome(of injection: DemoInjection) -> (detected: Int, corrected: Int, flagged: Int) {
        guard let name = injection.kind.findingName else {
            let replayed = quarantineReplay?.replayed ?? 0
            return (min(replayed, injection.orderKeys.count), 0, 0)
        }
        let keys = Set(injection.orderKeys)
        let hits = findings.filter { keys.contains($0.orderKey) && $0.classification == name }
        return (
            hits.count, hits.filter { ["corrected", "correction-sent"].contains($0.outcome) }.count,
            hits.filter { $0.outcome == "flagged" }.count
        )
    }

    /// Time to sync (from ingest's receipt to the landed ERP write) at quantile `q`, in seconds.
    func timeToSync(_ q: Double) -> Double? {
        metrics.quantile(q, of: "driftless_time_to_sync_seconds", ["from": "ingest_received"])
    }

    var text: String {
        var lines: [String] = []
        let seconds = DurationSeconds.of(duration)
        lines.append("")
        lines.append("Driftless demo report (seed \(settings.seed), \(String(format: "%.1f", seconds)) s)")
        lines.append(
            "  orders         \(scenario.storefrontIDs.count) storefront (signed webhooks) + "
                + "\(scenario.marketplaceIDs.count) marketplace (getOrders, LWA) = \(check.orders)")
        lines.append(
            "  webhooks       \(scenario.schedule.count) sent: \(scenario.duplicated) duplicates, "
                + "\(scenario.outOfOrder) out of order, \(scenario.late) late; \(scenario.dropped) lost on purpose")
        let events = Int(metrics.sum("driftless_stage_records_total", ["stage": "validate", "outcome": "consumed"]))
        let effects =
            metrics.sum("driftless_stage_records_total", ["stage": "dispatch", "outcome": "effect"])
            + metrics.sum("driftless_stage_records_total", ["stage": "retry", "outcome": "effect"])
        lines.append(
            "  processed      \(events) events validated (duplicate webhooks dropped at ingest by webhook id); translate "
                + "skipped \(Int(metrics.sum("driftless_stage_records_total", ["stage": "translate", "outcome": "stale"]))) stale and "
                + "\(Int(metrics.sum("driftless_stage_records_total", ["stage": "translate", "outcome": "duplicate"]))) duplicate events; "
                + "\(Int(effects)) ERP writes")
        let p50 = timeToSync(0.5).map { String(format: "%.2f s", $0) } ?? "n/a"
        let p99 = timeToSync(0.99).map { String(format: "%.2f s", $0) } ?? "n/a"
        lines.append("  time to sync   p50 \(p50) · p99 \(p99) (webhook or poll received → ERP write landed)")
        lines.append(
            "  ERP outage     \(settings.outage.components.seconds) s of 503 + 3 % 503 / 2 % 429 throughout: "
                + "ERP answered \(DemoView.answers(erpAnswers)); retries \(DemoView.retries(metrics)); "
                + "breaker \(DemoView.breaker(metrics)); \(check.lost.isEmpty ? "nothing lost" : "see the check")")
        lines.append("  auth           ERP OAuth 2.0 tokens granted \(erpTokens) · LWA tokens granted \(lwaTokens)")
        lines.append("")
        lines.append("  injected → found → repaired")
        for injection in scenario.injections {
            let row = outcome(of: injection)
            let pattern = injection.kind.title
            let repaired: String
            if injection.kind.findingName == nil {
                repaired = "quarantined → mapping fixed → dlq replay (\(quarantineReplay?.replayed ?? 0) replayed)"
            } else if row.flagged > 0 {
                repaired = "\(row.flagged) flagged → operator dlq replay (\(flaggedReplay?.replayed ?? 0) replayed)"
            } else {
                repaired = "\(row.corrected) auto-corrected"
            }
            lines.append(
                "  " + pattern.padding(toLength: 30, withPad: " ", startingAt: 0)
                    + "\(injection.orderKeys.count) → \(row.detected) → \(repaired)   (\(injection.kind.fault))")
        }
        let expectedKeys = Set(scenario.injections.flatMap(\.orderKeys))
        let unexpected = findings.filter { !expectedKeys.contains($0.orderKey) }
        if let reconcile {
            lines.append(
                "  reconciliation compared \(reconcile.compared), in sync \(reconcile.inSync), found \(reconcile.found)"
                    + (unexpected.isEmpty
                        ? ""
                        : " (\(unexpected.count) not injected: "
                            + unexpected.prefix(5).map { "\($0.orderKey) \($0.classification)" }.joined(separator: ", ")
                            + ")")
                    + "; afterwards \(verify.map { "\($0.found) differences left" } ?? "not compared")")
        }
        lines.append(
            "  dead letters   replayed \((quarantineReplay?.replayed ?? 0) + (flaggedReplay?.replayed ?? 0)); open cases now \(openCases)"
        )
        lines.append("")
        let verdict = check.passed ? "PASSED" : "FAILED"
        lines.append(
            "  ERP check \(verdict): \(check.present)/\(check.expectedEffects) expected effects present exactly once; "
                + "\(check.lost.count) lost / \(check.duplicates.count) duplicate / \(check.extra.count) extra / "
                + "\(check.wrongStatus.count) wrong status (\(check.erpRecords) ERP records, read from the simulator); "
                + "content: \(check.contentLines) lines of \(check.contentOrders) orders checked, "
                + "\(check.contentDifferences.count) differences")
        for (title, items) in [
            ("lost", check.lost), ("duplicate", check.duplicates), ("extra", check.extra),
            ("wrong status", check.wrongStatus), ("content", check.contentDifferences),
        ] where !items.isEmpty {
            lines.append("    \(title): " + items.prefix(5).joined(separator: "; ") + (items.count > 5 ? " …" : ""))
        }
        if !missedInjections.isEmpty {
            lines.append("  NOT FOUND: " + missedInjections.joined(separator: "; "))
        }
        lines.append("")
        lines += lookDeeper
        return lines.joined(separator: "\n")
    }

    private var lookDeeper: [String] {
        let example = scenario.injections.first { $0.kind == .droppedShipment }?.orderKeys.first ?? "shopify:<id>"
        let env = "DRIFTLESS_LEDGER_URL=\(ledgerURL)"
        guard settings.keep || settings.ledgerURL != nil else {
            return [
                "Look deeper: run `driftless demo --keep` (or `scripts/run --keep`) and it keeps serving; then",
                "  \(env.replacingOccurrences(of: directory.path, with: "<dir>")) driftless trace \(example)",
                "  … driftless dlq list · driftless lag --config <dir>/driftless.yaml · curl <metrics URL>",
            ]
        }
        return [
            "Look deeper (the ledger stays\(settings.keep ? "; Driftless keeps serving until Ctrl-C" : "")):",
            "  \(env) driftless trace \(example)",
            "  \(env) driftless dlq list",
            "  driftless lag --config \(configFile)",
            "  curl \(metricsURL)",
        ]
    }
}
