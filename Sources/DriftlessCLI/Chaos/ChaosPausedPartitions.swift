import AsyncHTTPClient
import DriftlessOperations
import Foundation

/// "No partition stays paused": after the settle, every running stage replica's `/metrics` must show
/// `driftless_consumer_paused_partitions` 0 (the metrics sampler records it every second).
enum ChaosPausedPartitions {
    /// The paused partitions a `/metrics` text reports, summed over its lines.
    static func count(inMetrics text: String) -> Int {
        var total = 0.0
        for line in text.split(separator: "\n") where line.hasPrefix("driftless_consumer_paused_partitions") {
            total += Double(line.split(separator: " ").last ?? "") ?? 0
        }
        return Int(total)
    }

    /// `replica: N paused` for each running replica reporting paused partitions, or whose metrics
    /// could not be read. `saveIn`: also keep each replica's `/metrics` there as `<name>.metrics`
    /// (an unsettled run's evidence: assignments, buffers, breakers).
    static func check(_ replicas: [ChaosChild], saveIn directory: URL? = nil) async -> [String] {
        var found: [String] = []
        for child in replicas where child.isRunning && !["ingest"].contains(child.role) {
            guard let port = child.httpPort() else { continue }
            do {
                let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics")
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                let body = try await response.body.collect(upTo: 8 << 20)
                let text = body.getString(at: body.readerIndex, length: body.readableBytes) ?? ""
                if let directory {
                    try? text.write(
                        to: directory.appendingPathComponent("\(child.name).metrics"), atomically: true, encoding: .utf8
                    )
                }
                let paused = count(inMetrics: text)
                if paused > 0 { found.append("\(child.name): \(paused) paused") }
            } catch {
                found.append("\(child.name): /metrics unreadable (\(error))")
            }
        }
        return found
    }
}
