import Foundation
import Ledger
import Pipeline

/// The Health view's processes: each stage's processes from the ledger's registry (replica, host,
/// partitions owned, state, last heartbeat — a heartbeat older than ``ProcessRegistry/staleAfter``
/// shown `stale`), and each stage's records per minute over the last hour as a small chart.
enum ProcessesSection {
    typealias H = OpsHTML

    /// The shown state of `process` at `now`: its own, or `stale` when it stopped beating.
    static func state(_ process: StageProcess, now: Date) -> String {
        guard process.state != "stopped" else { return "stopped" }
        return now.timeIntervalSince(process.heartbeatAt) > ProcessRegistry.staleAfter ? "stale" : process.state
    }

    /// `t[0] t[1] u[3]` → `t[0,1] u[3]`: the partitions by topic, in the order given.
    static func compact(_ partitions: [String]) -> String {
        var topics: [String] = []
        var numbers: [String: [String]] = [:]
        for partition in partitions {
            guard partition.hasSuffix("]"), let open = partition.lastIndex(of: "[") else {
                topics.append(partition)
                continue
            }
            let topic = String(partition[..<open])
            let number = String(partition[partition.index(after: open)..<partition.index(before: partition.endIndex)])
            if numbers[topic] == nil { topics.append(topic) }
            numbers[topic, default: []].append(number)
        }
        return topics.map { topic in numbers[topic].map { "\(topic)[\($0.joined(separator: ","))]" } ?? topic }
            .joined(separator: " ")
    }

    /// Records per minute of each stage over the `minutes` minutes ending at `now`, oldest first.
    static func perMinute(_ rows: [StageThroughput], now: Date, minutes: Int) -> [String: [Int]] {
        let end = StageThroughput.minute(of: now)
        var result: [String: [Int]] = [:]
        for row in rows {
            let index = minutes - 1 - Int((end.timeIntervalSince(row.minute) / 60).rounded())
            guard (0..<minutes).contains(index) else { continue }
            result[row.stage, default: Array(repeating: 0, count: minutes)][index] += row.records
        }
        return result
    }

    static func render(_ store: (any ProcessStore)?, now: Date) async throws -> String {
        guard let store else { return "<p id=\"no-processes\">This ledger keeps no process registry.</p>" }
        let processes = try await store.stageProcesses()
        let rows = processes.map { process -> [String] in
            let state = state(process, now: now)
            let css = state == "running" ? "ok" : state == "stale" ? "bad" : state == "stopped" ? "" : "warn"
            let age = max(0, Int(now.timeIntervalSince(process.heartbeatAt)))
            return [
                H.escape(process.stage), H.escape(process.replica), H.escape(process.host), String(process.pid),
                process.partitions.isEmpty
                    ? "–" : "<span class=\"partitions\">\(H.escape(compact(process.partitions)))</span>",
                "<span class=\"process-state \(css)\">\(state)</span>",
                "\(H.escape(process.heartbeatAt.formatted(.iso8601))) (\(age) s ago)",
            ]
        }
        let minutes = 60
        let series = perMinute(
            try await store.stageThroughput(since: now.addingTimeInterval(-3600)), now: now, minutes: minutes)
        let stages = Set(processes.map(\.stage)).union(series.keys).sorted()
        let throughputRows = stages.map { stage -> [String] in
            let values = series[stage] ?? Array(repeating: 0, count: minutes)
            return [
                H.escape(stage), "<span class=\"stage-records\">\(values.reduce(0, +))</span>",
                String(values.last ?? 0), H.sparkline(values.map(Double.init), width: 240, height: 28),
            ]
        }
        return """
            <h2>Processes</h2>
            <p>Each stage's processes as they last reported themselves in the ledger (every \
            \(ProcessRegistry.heartbeatInterval.components.seconds) s, and at once on a rebalance); a heartbeat \
            older than \(Int(ProcessRegistry.staleAfter)) s is shown <span class="bad">stale</span>.</p>
            \(H.table(id: "processes", head: ["stage", "replica", "host", "pid", "partitions", "state", "last heartbeat"], rows: rows))
            <h2>Throughput per stage (records settled per minute, last hour)</h2>
            \(H.table(id: "throughput", head: ["stage", "last hour", "last minute", "per minute"], rows: throughputRows))
            """
    }
}
