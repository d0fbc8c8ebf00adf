import ArgumentParser
import Foundation
import Logging
import Pipeline
import PipelineHTTP

/// `driftless run`: the pipeline stages in one process (all, or one with `--stage`).
///
/// Several processes with the same `--stage` and configuration share the work through Kafka consumer
/// groups. Without configured brokers (or with `--embedded`) everything runs in-process on
/// librdkafka's mock cluster with an SQLite ledger. SIGTERM/SIGINT shut down gracefully.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the pipeline: ingest (webhooks, poller), validate, translate, dispatch, dead-letter.",
        discussion: """
            Configuration: --config FILE (YAML, see Deploy/driftless.yaml), then DRIFTLESS_* environment \
            variables (DRIFTLESS_KAFKA_BOOTSTRAP, DRIFTLESS_LEDGER_URL, DRIFTLESS_TOPIC_PREFIX, \
            DRIFTLESS_INGEST_PORT, DRIFTLESS_SHOPIFY_SECRET[_FILE], DRIFTLESS_POLLER_URL, …). \
            Secrets are read from the environment or files and never logged.
            """)

    @Option(name: .long, help: "YAML configuration file.")
    var config: String?

    @Option(
        name: .long,
        help: "Run only this stage (repeatable): \(StageName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var stage: [StageName] = []

    @Option(name: .long, help: "With --stage retry: read only this retry tier (repeatable), e.g. 10s, 1m.")
    var tier: [String] = []

    @Flag(name: .long, help: "Use the in-process mock Kafka cluster even if brokers are configured.")
    var embedded = false

    @Option(name: .long, help: "HTTP port for webhooks and health (overrides the configuration).")
    var port: Int?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func run() async throws {
        var configuration: PipelineConfiguration
        do {
            configuration = try PipelineConfiguration.load(file: config)
        } catch let error as PipelineConfigurationError {
            throw ValidationError(error.description)
        }
        if embedded { configuration.bootstrapServers = nil }
        if let port { configuration.ingestPort = port }
        configuration.retryTierFilter = tier
        var logger = Logger(label: "driftless")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let stages = stage.isEmpty ? Set(StageName.allCases) : Set(stage)
        let runtime = try await PipelineRuntime.start(
            configuration: configuration, stages: stages, handleSignals: true, logger: logger)
        print(
            "driftless: \(stages.map(\.rawValue).sorted().joined(separator: ", ")) running; "
                + "http://\(configuration.ingestHost):\(runtime.httpPort) (POST /webhooks/shopify, /healthz, /readyz, /status, /metrics); "
                + "kafka \(configuration.isEmbedded ? "embedded mock cluster" : runtime.bootstrapServers); "
                + "ledger \(runtime.ledger.location)")
        try await runtime.wait()
    }
}

extension StageName: ExpressibleByArgument {}
