import Foundation

/// What the pipeline benchmark measured, as metrics and a printed summary.
struct PipelineReport {
    struct Stages {
        var records: Int
        var seconds: Double
        var joinSeconds: Double
        var translated: Int
        var stale: Int
        var duplicates: Int
        var cpuSeconds: Double
        /// Process CPU from the first record to the last one translated (no join, no shutdown).
        var windowCPUSeconds: Double
        var rate: Double { seconds > 0 ? Double(records) / seconds : 0 }
    }

    var broker: String
    var records: Int
    var averageBytes: Int
    var concurrency: Int
    var ingest = WebhookLoad.Result()
    /// Every run of the C passthrough; the median run is the baseline.
    var cPassthroughRuns: [(messages: Int, seconds: Double)] = []
    /// Every run of two C passthroughs chained (the stages' two hops without their work).
    var cChainRuns: [(messages: Int, seconds: Double)] = []
    var cPassthrough: (messages: Int, seconds: Double) { Self.median(cPassthroughRuns) }
    var cChain: (messages: Int, seconds: Double) { Self.median(cChainRuns) }

    private static func rate(_ run: (messages: Int, seconds: Double)) -> Double {
        run.seconds > 0 ? Double(run.messages) / run.seconds : 0
    }

    /// The run with the median rate.
    private static func median(_ runs: [(messages: Int, seconds: Double)]) -> (messages: Int, seconds: Double) {
        let sorted = runs.sorted { rate($0) < rate($1) }
        return sorted.isEmpty ? (0, 0) : sorted[sorted.count / 2]
    }

    /// "min–max" of the runs' rates.
    private static func range(_ runs: [(messages: Int, seconds: Double)]) -> String {
        let rates = runs.map(rate)
        return "\(Int(rates.min() ?? 0))–\(Int(rates.max() ?? 0))"
    }
    var stages = Stages(
        records: 0, seconds: 0, joinSeconds: 0, translated: 0, stale: 0, duplicates: 0, cpuSeconds: 0,
        windowCPUSeconds: 0)

    var cRate: Double { cPassthrough.seconds > 0 ? Double(cPassthrough.messages) / cPassthrough.seconds : 0 }
    var cChainRate: Double { cChain.seconds > 0 ? Double(cChain.messages) / cChain.seconds : 0 }

    static let metricNames = [
        "ingest webhooks/s", "ingest latency p50 (µs)", "ingest latency p99 (µs)",
        "C passthrough msg/s", "C two-hop chain msg/s", "validate+translate msg/s", "validate+translate / C (x1000)",
        "validate+translate / C two-hop chain (x1000)",
        "validate+translate cpu per record (µs)", "validate+translate cpu per record, records flowing (µs)",
    ]

    var metricValues: [(String, Int)] {
        [
            ("ingest webhooks/s", Int(ingest.rate)),
            ("ingest latency p50 (µs)", Int(ingest.p50 * 1e6)),
            ("ingest latency p99 (µs)", Int(ingest.p99 * 1e6)),
            ("C passthrough msg/s", Int(cRate)),
            ("validate+translate msg/s", Int(stages.rate)),
            ("C two-hop chain msg/s", Int(cChainRate)),
            ("validate+translate / C (x1000)", cRate > 0 ? Int(stages.rate / cRate * 1000) : 0),
            ("validate+translate / C two-hop chain (x1000)", cChainRate > 0 ? Int(stages.rate / cChainRate * 1000) : 0),
            (
                "validate+translate cpu per record (µs)",
                stages.records > 0 ? Int(stages.cpuSeconds / Double(stages.records) * 1e6) : 0
            ),
            (
                "validate+translate cpu per record, records flowing (µs)",
                stages.records > 0 ? Int(stages.windowCPUSeconds / Double(stages.records) * 1e6) : 0
            ),
        ]
    }

    func printSummary() {
        let ratio = cRate > 0 ? stages.rate / cRate : 0
        let text = """
            Pipeline benchmark — broker: \(broker); \(records) Shopify webhooks (avg \(averageBytes) B)
              ingest (HTTP + HMAC + durable Kafka ack), \(concurrency) senders: \(ingest.accepted) accepted, \
            \(ingest.failed) failed in \(String(format: "%.2f", ingest.seconds)) s = \(Int(ingest.rate)) webhooks/s; \
            latency p50 \(String(format: "%.2f", ingest.p50 * 1000)) ms, p99 \(String(format: "%.2f", ingest.p99 * 1000)) ms
              C passthrough (librdkafka consume→produce, same size), median of \(cPassthroughRuns.count): \
            \(cPassthrough.messages) in \(String(format: "%.2f", cPassthrough.seconds)) s = \(Int(cRate)) msg/s \
            (runs \(Self.range(cPassthroughRuns)))
              C two-hop chain (two passthroughs at once, as validate → translate), median of \(cChainRuns.count): \
            \(cChain.messages) in \(String(format: "%.2f", cChain.seconds)) s = \(Int(cChainRate)) msg/s \
            (runs \(Self.range(cChainRuns)); \(String(format: "%.2f", cRate > 0 ? cChainRate / cRate : 0))x one hop)
              validate+translate (raw → validated → canonical + SQLite ledger): \(stages.records) in \
            \(String(format: "%.2f", stages.seconds)) s (+\(String(format: "%.1f", stages.joinSeconds)) s group join) = \
            \(Int(stages.rate)) msg/s = \(String(format: "%.2f", ratio))x C one hop, \
            \(String(format: "%.2f", cChainRate > 0 ? stages.rate / cChainRate : 0))x C two hops; translated \(stages.translated), \
            stale \(stages.stale), duplicate/no-change \(stages.duplicates); process CPU \
            \(String(format: "%.1f", stages.records > 0 ? stages.cpuSeconds / Double(stages.records) * 1e6 : 0)) µs/record \
            (\(String(format: "%.1f", stages.records > 0 ? stages.windowCPUSeconds / Double(stages.records) * 1e6 : 0)) µs while records flow, \
            \(String(format: "%.2f", stages.seconds > 0 ? stages.windowCPUSeconds / stages.seconds : 0)) cores)
            """
        print(text)
        // Also on stderr, unbuffered: the benchmark runner may exit before stdout is flushed.
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
