import Foundation

/// One latency's results: effects/s of the plain loop and of dispatch, and their ratio.
struct DispatchRound: Sendable {
    var latencyMilliseconds: Int
    var orders: Int
    var events: Int
    var effects: Int
    var baselinePerSecond: Double
    var dispatchPerSecond: Double
    var ratio: Double { baselinePerSecond > 0 ? dispatchPerSecond / baselinePerSecond : 0 }
}

struct DispatchReport: Sendable {
    var concurrency: Int
    var rounds: [DispatchRound] = []
    var pipeline: PipelineToERP.Result?

    static let metricNames = [
        "dispatch_ratio_0ms", "dispatch_effects_per_s_0ms", "dispatch_ratio_50ms", "dispatch_effects_per_s_50ms",
        "pipeline_erp_orders_per_s", "pipeline_erp_p50_ms", "pipeline_erp_p99_ms",
    ]

    var metricValues: [(String, Int)] {
        var values = rounds.flatMap { round in
            [
                ("dispatch_ratio_\(round.latencyMilliseconds)ms", Int((round.ratio * 1000).rounded())),
                ("dispatch_effects_per_s_\(round.latencyMilliseconds)ms", Int(round.dispatchPerSecond.rounded())),
            ]
        }
        if let pipeline {
            values += [
                ("pipeline_erp_orders_per_s", Int(pipeline.throughput.rounded())),
                ("pipeline_erp_p50_ms", Int((pipeline.p50 * 1000).rounded())),
                ("pipeline_erp_p99_ms", Int((pipeline.p99 * 1000).rounded())),
            ]
        }
        return values
    }

    func printSummary() {
        var text = "dispatch benchmark (\(concurrency) requests in flight; ratio ×1000 in the metrics):\n"
        for round in rounds {
            text +=
                "  \(round.latencyMilliseconds) ms latency: \(round.orders) orders, \(round.events) canonical events, "
                + "\(round.effects) effects; plain AHC loop \(Int(round.baselinePerSecond)) effects/s, dispatch "
                + "\(Int(round.dispatchPerSecond)) effects/s → ratio \(String(format: "%.3f", round.ratio))\n"
        }
        if let pipeline {
            text +=
                "  whole pipeline webhook → ERP sales order (embedded): \(pipeline.landed) of \(pipeline.orders) orders at "
                + "\(Int(pipeline.offeredRate))/s offered (sent at \(Int(pipeline.sentRate))/s) → \(Int(pipeline.throughput)) orders/s landed, latency p50 "
                + "\(Int(pipeline.p50 * 1000)) ms, p99 \(Int(pipeline.p99 * 1000)) ms\n"
        }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
