import Benchmark
import Foundation

/// ERP dispatch against the ERP simulator vs a plain AsyncHTTPClient loop doing the same requests
/// (a read per order, then its upserts in order, orders concurrently, the same request limit), in
/// the same process and run, at 0 ms and at 50 ms simulated latency; then the whole embedded
/// pipeline webhook → ERP at a steady offered rate (p50/p99); then 5k events through the tests' fault
/// mix and a two-minute outage, as ratios to a healthy ERP (see FaultMixScenario). See Benchmarks/README.md.
let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "Dispatch vs plain AsyncHTTPClient loop",
        configuration: .init(
            metrics: DispatchReport.metricNames.map(dispatchMetric) + [.wallClock],
            warmupIterations: 0, scalingFactor: .one, maxDuration: .seconds(900), maxIterations: 1)
    ) { benchmark in
        do {
            let report = try await DispatchScenario(settings: .fromEnvironment()).run()
            for (name, value) in report.metricValues {
                benchmark.measurement(dispatchMetric(name), value)
            }
            report.printSummary()
        } catch {
            benchmark.error("dispatch benchmark failed: \(error)")
        }
    }
    Benchmark(
        "Dispatch through the fault mix (5k events) and a two-minute outage",
        configuration: .init(
            metrics: FaultMixScenario.metricNames.map(dispatchMetric) + [.wallClock],
            warmupIterations: 0, scalingFactor: .one, maxDuration: .seconds(1_800), maxIterations: 1)
    ) { benchmark in
        do {
            let runs = try await FaultMixScenario(settings: .fromEnvironment()).run()
            for (name, value) in FaultMixScenario.metricValues(runs) {
                benchmark.measurement(dispatchMetric(name), value)
            }
            for run in runs { print(run.line) }
        } catch {
            benchmark.error("fault mix benchmark failed: \(error)")
        }
    }
}

/// A custom metric; latencies prefer smaller values, rates and ratios larger.
func dispatchMetric(_ name: String) -> BenchmarkMetric {
    .custom(name, polarity: name.hasSuffix("_ms") ? .prefersSmaller : .prefersLarger, useScalingFactor: false)
}
