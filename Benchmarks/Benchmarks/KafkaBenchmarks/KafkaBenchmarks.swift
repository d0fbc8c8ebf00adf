import Benchmark

/// Kafka passthrough: librdkafka in C (the baseline) and Driftless's Swift Kafka layer, same
/// broker, same process, same run. See Benchmarks/README.md.
let benchmarks: @Sendable () -> Void = {
    let metrics = PassthroughReport.metricNames.map(kafkaMetric)
    Benchmark(
        "Kafka produce→consume→produce, C librdkafka vs Swift",
        configuration: .init(
            metrics: metrics + [.wallClock],
            warmupIterations: 0,
            scalingFactor: .one,
            maxDuration: .seconds(900),
            maxIterations: 1
        )
    ) { benchmark in
        do {
            let settings = PassthroughSettings.fromEnvironment()
            let report = try await PassthroughScenario(settings: settings).run()
            for (name, value) in report.metricValues {
                benchmark.measurement(kafkaMetric(name), value)
            }
            report.printSummary()
        } catch {
            benchmark.error("Kafka passthrough failed: \(error)")
        }
    }
}

/// A custom metric of this benchmark; CPU metrics prefer smaller values, the others larger.
func kafkaMetric(_ name: String) -> BenchmarkMetric {
    .custom(name, polarity: name.contains("cpu") ? .prefersSmaller : .prefersLarger, useScalingFactor: false)
}
