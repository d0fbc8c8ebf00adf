import Benchmark
import Foundation

/// Pipeline stages against the raw-librdkafka limit, same broker, same process, same run:
/// 1. ingest: signed Shopify webhooks/s over loopback HTTP with a durable Kafka acknowledgement
///    per request (p50/p99 latency);
/// 2. C passthrough (librdkafka consume → produce) of as many records of the same size: the baseline;
/// 3. validate + translate (decode, map, state machine, SQLite ledger, canonical events) over the
///    records ingest produced; reported as a ratio to (2). See Benchmarks/README.md.
let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "Pipeline ingest and validate+translate vs C passthrough",
        configuration: .init(
            metrics: PipelineReport.metricNames.map(pipelineMetric) + [.wallClock],
            warmupIterations: 0,
            scalingFactor: .one,
            maxDuration: .seconds(900),
            maxIterations: 1
        )
    ) { benchmark in
        FileHandle.standardError.write(Data("pipeline benchmark: starting\n".utf8))
        do {
            let report = try await PipelineScenario(settings: .fromEnvironment()).run()
            for (name, value) in report.metricValues {
                benchmark.measurement(pipelineMetric(name), value)
            }
            report.printSummary()
        } catch {
            benchmark.error("pipeline benchmark failed: \(error)")
            FileHandle.standardError.write(Data("pipeline benchmark failed: \(error)\n".utf8))
        }
    }
}

/// A custom metric; latencies and CPU prefer smaller values, rates and ratios larger.
func pipelineMetric(_ name: String) -> BenchmarkMetric {
    let smaller = name.contains("latency") || name.contains("cpu")
    return .custom(name, polarity: smaller ? .prefersSmaller : .prefersLarger, useScalingFactor: false)
}
