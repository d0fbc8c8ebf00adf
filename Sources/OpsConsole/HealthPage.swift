import Foundation
import Ledger
import Pipeline

/// The Health view: readiness, each part's state (broker, ledger, ERP breaker, poller), the build,
/// each stage's processes and throughput (``ProcessesSection``), and sync success rate and
/// time-to-sync p50/p99 over the last hour with a small chart (``SyncStats``).
enum HealthPage {
    typealias H = OpsHTML

    static func render(_ backend: OpsBackend, now: Date) async throws -> String {
        let (ready, detail) = backend.health.readiness
        let parts = backend.health.details.merging(backend.health.components) { detail, _ in detail }
        let rows = parts.sorted { $0.key < $1.key }.map { [H.escape($0.key), H.escape($0.value)] }
        let window: TimeInterval = 3600
        let records = try await backend.ledger.search(
            AuditQuery(
                since: now.addingTimeInterval(-window), hops: [.received, .dispatched, .deadLettered], limit: 100_000))
        let stats = SyncStats.compute(records, now: now, window: window, buckets: 12)
        func seconds(_ value: Double?) -> String { value.map { String(format: "%.3f s", $0) } ?? "–" }
        let rate = stats.successRate.map { String(format: "%.1f %%", $0 * 100) } ?? "–"
        return """
            <p>Readiness: <span id="readiness" class="\(ready ? "ok" : "bad")">\(H.escape(detail))</span> ·
            build \(H.escape(BuildInfo.version)) (commit \(H.escape(BuildInfo.commit)))</p>
            \(H.table(id: "components", head: ["part", "state"], rows: rows))
            \(try await ProcessesSection.render(backend.ledger as? any ProcessStore, now: now))
            <h2>Sync, last hour</h2>
            \(H.table(id: "sync", head: ["synced", "dead-lettered", "success rate", "time to sync p50", "p99", "synced per 5 min"], rows: [[
                String(stats.successes), String(stats.failures), "<span id=\"sync-rate\">\(rate)</span>",
                seconds(stats.quantile(0.5)), seconds(stats.quantile(0.99)), H.sparkline(stats.perBucket.map(Double.init)),
            ]]))
            """
    }
}
