import Foundation
import Ledger
import Pipeline

/// The Drift view: reconciliation runs (history, next scheduled run), findings per pattern over the
/// last week, and the flagged orders whose case is still open.
enum DriftPage {
    typealias H = OpsHTML

    static func render(_ backend: OpsBackend, configuration: PipelineConfiguration, now: Date) async throws -> String {
        guard let store = backend.ledger as? any ReconcileStore else {
            return "<p>This ledger keeps no reconciliation runs.</p>"
        }
        let runs = try await store.reconcileRunRecords(limit: 20)
        let runRows = runs.map {
            [
                H.escape($0.startedAt.formatted(.iso8601)), H.escape($0.result), String($0.compared), String($0.found),
                String($0.attempts),
                H.escape("\($0.windowStart.formatted(.iso8601)) – \($0.windowEnd.formatted(.iso8601))"),
                H.escape($0.error ?? ""),
            ]
        }
        let findings = try await store.findings(runID: nil, since: now.addingTimeInterval(-7 * 86_400), limit: 5_000)
        var byPattern: [String: Int] = [:]
        for finding in findings { byPattern[finding.classification, default: 0] += 1 }
        let patternRows = byPattern.sorted { $0.key < $1.key }.map { [H.escape($0.key), String($0.value)] }
        var flagged: [[String]] = []
        for finding in findings.reversed() where finding.caseID != nil && flagged.count < 100 {
            guard let id = finding.caseID, let value = try await backend.cases?.loadCase(id: id), value.state == .open
            else { continue }
            flagged.append([
                "<a href=\"/ops/orders?id=\(H.query(finding.orderKey))\">\(H.escape(finding.orderKey))</a>",
                H.escape(finding.classification), "<a href=\"/ops/case?id=\(id)\">\(id)</a>",
                H.escape(finding.channelState), H.escape(finding.erpState ?? ""),
            ])
        }
        let next =
            configuration.reconcile.inRun == false
            ? "not run by this process" : configuration.reconcile.schedule.next(after: now).formatted(.iso8601)
        return """
            <p>Next scheduled run: <span id="next-run">\(H.escape(next))</span></p>
            <h2>Runs</h2>
            \(H.table(id: "reconcile-runs", head: ["started", "result", "compared", "found", "attempts", "window", "error"], rows: runRows))
            <h2>Findings per pattern (7 days)</h2>
            \(H.table(id: "findings", head: ["pattern", "findings"], rows: patternRows))
            <h2>Flagged orders still open</h2>
            \(H.table(id: "flagged", head: ["order", "pattern", "case", "channel", "ERP"], rows: flagged))
            """
    }
}
