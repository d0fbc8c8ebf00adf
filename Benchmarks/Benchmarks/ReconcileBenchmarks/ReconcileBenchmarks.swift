import Benchmark
import Foundation

/// Reconciliation's 48 h sweep against the storefront and ERP simulators (rate limits off), in the same
/// process and run as a baseline that pages through the same APIs and makes the same reads without
/// converting, classifying or recording anything; peak resident memory while each runs. See
/// Benchmarks/README.md.
let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "Reconcile sweep vs plain page-through",
        configuration: .init(
            metrics: ReconcileReport.metricNames.map(reconcileMetric) + [.wallClock],
            warmupIterations: 0, scalingFactor: .one, maxDuration: .seconds(3600), maxIterations: 1)
    ) { benchmark in
        do {
            let report = try await ReconcileScenario(settings: .fromEnvironment()).run()
            for (name, value) in report.metricValues {
                benchmark.measurement(reconcileMetric(name), value)
            }
            report.printSummary()
        } catch {
            benchmark.error("reconcile benchmark failed: \(error)")
        }
    }
}

/// A custom metric; seconds and memory prefer smaller values, rates and ratios larger.
func reconcileMetric(_ name: String) -> BenchmarkMetric {
    .custom(
        name, polarity: name.hasSuffix("_s") || name.hasSuffix("_kib") ? .prefersSmaller : .prefersLarger,
        useScalingFactor: false)
}
