// swift-tools-version: 6.1
import PackageDescription

/// Driftless: ends order status drift between storefronts, marketplaces and the ERP.
///
/// The target graph follows the pipeline: `CRdKafka` (C shim) → `Kafka` (Swift layer) →
/// `OrderModel` (pure domain) → `Ledger` (audit trail) → `Pipeline` (stage actors) → `PipelineHTTP`
/// (the HTTP listener) → `DriftlessCLI`.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "Driftless",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "driftless", targets: ["driftless"]),
        .library(name: "Kafka", targets: ["Kafka"]),
        .library(name: "OrderModel", targets: ["OrderModel"]),
        .library(name: "Ledger", targets: ["Ledger"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "PipelineHTTP", targets: ["PipelineHTTP"]),
        .library(name: "KafkaCompatProxy", targets: ["KafkaCompatProxy"]),
        .library(name: "Simulators", targets: ["Simulators"]),
        .library(name: "DriftlessTesting", targets: ["DriftlessTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.24.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
    ],
    targets: [
        // MARK: Kafka
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(
            name: "Kafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KafkaCompatProxy",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Domain (pure, no I/O)
        .target(
            name: "OrderModel",
            dependencies: [
                "JSONText",
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources/default-mapping.yaml")],
            swiftSettings: swiftSettings
        ),

        // MARK: JSON text (byte-level reader and writer shared by the domain, the ledger and the pipeline)
        .target(
            name: "JSONText",
            swiftSettings: swiftSettings
        ),

        // MARK: Ledger
        .target(
            name: "Ledger",
            dependencies: [
                "JSONText",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Pipeline stages
        .target(
            name: "Pipeline",
            dependencies: [
                "Kafka",
                "OrderModel",
                "JSONText",
                "Ledger",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP listener (webhook intake, health, /metrics) on Hummingbird, apart from the stages.
        .target(
            name: "PipelineHTTP",
            dependencies: [
                "Pipeline",
                "Kafka",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Simulators",
            dependencies: [
                "OrderModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // The operations console (`/ops`): server-rendered pages over the running pipeline.
        .target(
            name: "OpsConsole",
            dependencies: [
                "Pipeline",
                "Ledger",
                "Kafka",
                "OrderModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Command line
        .executableTarget(
            name: "driftless",
            dependencies: ["DriftlessCLI"],
            swiftSettings: swiftSettings
        ),
        // The production verbs (run, dlq, lag, reconcile, trace, ledger, mapping, topics, config): no simulator.
        .target(
            name: "DriftlessOperations",
            dependencies: [
                "Kafka",
                "OrderModel",
                "Ledger",
                "Pipeline",
                "PipelineHTTP",
                "OpsConsole",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The root command, and the verbs that run simulators or the dev broker (demo, chaos, simulate,
        // dev-broker) on top of the production verbs.
        .target(
            name: "DriftlessCLI",
            dependencies: [
                "DriftlessOperations",
                "Kafka",
                "KafkaCompatProxy",
                "OrderModel",
                "Ledger",
                "Pipeline",
                "PipelineHTTP",
                "OpsConsole",
                "Simulators",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Testing support
        .target(
            name: "DriftlessTesting",
            dependencies: [
                "Kafka",
                "KafkaCompatProxy",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        .testTarget(
            name: "KafkaTests",
            dependencies: [
                "Kafka", "DriftlessTesting",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KafkaCompatProxyTests",
            dependencies: [
                "KafkaCompatProxy", "DriftlessTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrderModelTests",
            dependencies: ["OrderModel", "JSONText", "Simulators"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LedgerTests",
            dependencies: [
                "Ledger", "DriftlessTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "Pipeline", "PipelineHTTP", "Simulators", "DriftlessTesting", "JSONText",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PipelineHTTPTests",
            dependencies: [
                "PipelineHTTP", "Pipeline", "Kafka", "Simulators", "DriftlessTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DriftlessTestingTests",
            dependencies: ["DriftlessTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JSONTextTests",
            dependencies: ["JSONText", "Simulators"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SimulatorsTests",
            dependencies: [
                "Simulators", "OrderModel", "DriftlessTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OpsConsoleTests",
            dependencies: [
                "OpsConsole", "Pipeline", "PipelineHTTP", "Ledger", "OrderModel", "Simulators", "DriftlessTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DriftlessCLITests",
            dependencies: [
                "DriftlessCLI", "DriftlessOperations", "DriftlessTesting", "Ledger", "Kafka", "Pipeline", "Simulators",
                "OrderModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
