// swift-tools-version: 6.1
import PackageDescription

/// Driftless's benchmarks: their own package so the main build and `swift test` never pay for
/// them. Run with `swift package --disable-sandbox benchmark` (see README.md). Speed is reported
/// as ratios to a baseline measured in the same run, never asserted in tests.
///
/// `benchmark` 1.38.1 adds ordo-one/swift-runtime-interposer on Linux with Swift 6.3 only for its
/// default "RuntimeInterposer" trait; asking for just "MallocInterposer" leaves that package out,
/// so everything resolves from the local mirror.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let benchmarkPlugin: [Target.PluginUsage] = [.plugin(name: "BenchmarkPlugin", package: "benchmark")]

let package = Package(
    name: "DriftlessBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Driftless", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.0.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The C baseline: librdkafka used directly, called from the Swift benchmark in the same process.
        .target(
            name: "CKafkaBaseline",
            path: "Sources/CKafkaBaseline",
            cSettings: [.unsafeFlags(["-O2"])],
            linkerSettings: [.linkedLibrary("rdkafka")]
        ),
        // What the benchmarks share: environment settings, process CPU time, running the C baseline.
        .target(
            name: "BenchmarkSupport",
            dependencies: ["CKafkaBaseline"],
            path: "Sources/BenchmarkSupport",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "KafkaBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                "CKafkaBaseline",
                .product(name: "Kafka", package: "Driftless"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/KafkaBenchmarks",
            swiftSettings: swiftSettings,
            plugins: benchmarkPlugin
        ),
        // Placeholders: their owners fill them.
        .executableTarget(
            name: "DomainBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "OrderModel", package: "Driftless"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/DomainBenchmarks",
            swiftSettings: swiftSettings,
            plugins: benchmarkPlugin
        ),
        .executableTarget(
            name: "LedgerBenchmarks",
            dependencies: [
                .product(name: "Ledger", package: "Driftless"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/LedgerBenchmarks",
            swiftSettings: swiftSettings,
            plugins: benchmarkPlugin
        ),
        .executableTarget(
            name: "PipelineBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                "CKafkaBaseline",
                .product(name: "Pipeline", package: "Driftless"),
                .product(name: "PipelineHTTP", package: "Driftless"),
                .product(name: "Simulators", package: "Driftless"),
                .product(name: "Kafka", package: "Driftless"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/PipelineBenchmarks",
            swiftSettings: swiftSettings,
            plugins: benchmarkPlugin
        ),
        .executableTarget(
            name: "DispatchBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Pipeline", package: "Driftless"),
                .product(name: "PipelineHTTP", package: "Driftless"),
                .product(name: "Simulators", package: "Driftless"),
                .product(name: "Kafka", package: "Driftless"),
                .product(name: "Ledger", package: "Driftless"),
                .product(name: "OrderModel", package: "Driftless"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/DispatchBenchmarks",
            swiftSettings: swiftSettings,
            plugins: benchmarkPlugin
        ),
        .executableTarget(
            name: "ReconcileBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Pipeline", package: "Driftless"),
                .product(name: "Simulators", package: "Driftless"),
                .product(name: "Ledger", package: "Driftless"),
                .product(name: "OrderModel", package: "Driftless"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ReconcileBenchmarks",
            swiftSettings: swiftSettings,
            plugins: benchmarkPlugin
        ),
    ],
    swiftLanguageModes: [.v6]
)
