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

    static let metricNames = [
        "dispatch_ratio_0ms", "dispatch_effects_per_s_0ms", "dispatch_ratio_50ms", "dispatch_effects_per_s_50ms",
    ]

    var metricValues: [(String, Int)] {
        rounds.flatMap { round in
            [
                ("dispatch_ratio_\(round.latencyMilliseconds)ms", Int((round.ratio * 1000).rounded())),
                ("dispatch_effects_per_s_\(round.latencyMilliseconds)ms", Int(round.dispatchPerSecond.rounded())),
            ]
        }
    }

    func printSummary() {
        var text = "dispatch benchmark (\(concurrency) requests in flight; ratio ×1000 in the metrics):\n"
        for round in rounds {
            text +=
                "  \(round.latencyMilliseconds) ms latency: \(round.orders) orders, \(round.events) canonical events, "
                + "\(round.effects) effects; plain AHC loop \(Int(round.baselinePerSecond)) effects/s, dispatch "
                + "\(Int(round.dispatchPerSecond)) effects/s → ratio \(String(format: "%.3f", round.ratio))\n"
        }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
