import Benchmark
import Foundation

/// ERP dispatch against the ERP simulator vs a plain AsyncHTTPClient loop doing the same requests
/// (a read per order, then its upserts in order, orders concurrently, the same request limit), in
/// the same process and run, at 0 ms and at 50 ms simulated latency. See Benchmarks/README.md.
let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "Dispatch vs plain AsyncHTTPClient loop",
        configuration: .init(
            metrics: DispatchReport.metricNames.map {
                .custom($0, polarity: .prefersLarger, useScalingFactor: false)
            } + [.wallClock],
            warmupIterations: 0, scalingFactor: .one, maxDuration: .seconds(900), maxIterations: 1)
    ) { benchmark in
        do {
            let report = try await DispatchScenario(settings: .fromEnvironment()).run()
            for (name, value) in report.metricValues {
                benchmark.measurement(.custom(name, polarity: .prefersLarger, useScalingFactor: false), value)
            }
            report.printSummary()
        } catch {
            benchmark.error("dispatch benchmark failed: \(error)")
        }
    }
}
