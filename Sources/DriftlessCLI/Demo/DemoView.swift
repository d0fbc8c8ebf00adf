import DriftlessOperations
import Foundation

/// The demo's live numbers as text, from the pipeline's own metrics (what `/metrics` serves).
enum DemoView {
    static let stages = ["validate", "translate", "dispatch", "retry", "dead-letter"]

    /// The terminal frame.
    static func frame(_ m: DemoMetrics, phase: String, elapsed: Double, erp: [Int: Int]) -> [String] {
        func n(_ value: Double) -> String { String(Int(value)) }
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        func outcome(_ stage: String, _ name: String) -> Double {
            m.sum("driftless_stage_records_total", ["stage": stage, "outcome": name])
        }
        var lines = [
            "Driftless demo · \(phase) · \(String(format: "%.0f", elapsed)) s",
            "  stage           in      out  details",
        ]
        for stage in stages {
            let details: String =
                switch stage {
                case "validate": "quarantined \(n(outcome(stage, "quarantined")))"
                case "translate":
                    "duplicates \(n(outcome(stage, "duplicate"))) · stale \(n(outcome(stage, "stale"))) · "
                        + "unchanged \(n(outcome(stage, "unchanged")))"
                case "dispatch", "retry":
                    "ERP writes \(n(outcome(stage, "effect"))) · up to date \(n(outcome(stage, "up_to_date"))) · "
                        + "withheld \(n(outcome(stage, "withheld")))"
                default: "open cases \(n(m.sum("driftless_dead_letter_open_cases")))"
                }
            lines.append(
                "  " + pad(stage, 11) + pad(String(format: "%7d", Int(outcome(stage, "consumed"))), 8)
                    + pad(String(format: " %7d", Int(outcome(stage, "produced"))), 9) + "  " + details)
        }
        lines.append("  retries      " + retries(m))
        lines.append(
            "  dead letters sent \(n(m.sum("driftless_dead_lettered_total", ["stage": "dispatch"]) + m.sum("driftless_dead_lettered_total", ["stage": "retry"]))) · "
                + "cases opened \(n(m.sum("driftless_dead_lettered_total", ["stage": "dead-letter"])))")
        lines.append("  lag          " + lag(m))
        lines.append("  ERP breaker  " + breaker(m))
        lines.append("  ERP answers  " + answers(erp))
        return lines
    }

    /// One line for logs.
    static func progressLine(_ m: DemoMetrics, erp: [Int: Int]) -> String {
        let parts = stages.prefix(3).map { stage in
            "\(stage) \(Int(m.sum("driftless_stage_records_total", ["stage": stage, "outcome": "consumed"])))"
        }
        let effects =
            m.sum("driftless_stage_records_total", ["stage": "dispatch", "outcome": "effect"])
            + m.sum("driftless_stage_records_total", ["stage": "retry", "outcome": "effect"])
        return parts.joined(separator: " · ") + " · ERP writes \(Int(effects)) · retries \(retries(m)) · "
            + "lag \(Int(m.sum("driftless_consumer_group_lag_messages"))) · breaker \(breaker(m)) · ERP \(answers(erp))"
    }

    static func retries(_ m: DemoMetrics) -> String {
        let tiers = m.labelValues("driftless_retries_total", "tier")
        guard !tiers.isEmpty else { return "none" }
        return tiers.map { "\($0) \(Int(m.sum("driftless_retries_total", ["tier": $0])))" }.joined(separator: " · ")
    }

    static func lag(_ m: DemoMetrics) -> String {
        stages.map { stage in
            let value = m.values.filter {
                $0.key.name == "driftless_consumer_group_lag_messages"
                    && ($0.key.labels["group"]?.hasSuffix(".\(stage)") ?? false)
            }.reduce(0) { $0 + $1.value }
            return "\(stage) \(Int(value))"
        }.joined(separator: " · ")
    }

    static func breaker(_ m: DemoMetrics) -> String {
        let state =
            m.values.first { $0.key.name == "driftless_breaker_state" && $0.value == 1 }?.key.labels["state"]
            ?? "closed"
        let opened = Int(m.sum("driftless_breaker_transitions_total", ["to": "open"]))
        return "\(state) (opened \(opened)×)"
    }

    static func answers(_ erp: [Int: Int]) -> String {
        erp.isEmpty
            ? "none yet" : erp.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: " · ")
    }
}
