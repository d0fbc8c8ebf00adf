import Foundation
import Pipeline

/// The Lag view: each stage group's verdict over the sampled window (Burrow-style, from
/// ``LagVerdictBoard``, the same as `driftless lag --window` and `driftless_consumer_group_verdict`).
enum LagPage {
    typealias H = OpsHTML

    static func render(_ backend: OpsBackend, sampleInterval: Duration) -> String {
        let rows = backend.metrics.lagVerdicts.current.map { entry -> [String] in
            let css = entry.evaluation.verdict == .ok ? "ok" : entry.evaluation.verdict == .warn ? "warn" : "bad"
            return [
                H.escape(entry.group),
                "<span class=\"verdict \(css)\">\(entry.evaluation.verdict.rawValue)</span>",
                String(entry.evaluation.lag), H.escape(entry.evaluation.reason), String(entry.samples),
            ]
        }
        let note =
            "<p>Sampled every \(sampleInterval.components.seconds) s (metrics.sampleIntervalMs); a verdict judges the "
            + "last samples: OK, WARN (lag growing), STALL (committed offset not moving), STOP (no member).</p>"
        guard !rows.isEmpty else { return note + "<p id=\"no-lag\">No lag sampled yet.</p>" }
        return note + H.table(id: "lag-verdicts", head: ["group", "verdict", "lag", "why", "samples"], rows: rows)
    }
}
