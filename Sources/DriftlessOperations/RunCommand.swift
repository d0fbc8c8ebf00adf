import ArgumentParser
import Foundation
import Logging
import OpsConsole
import Pipeline
import PipelineHTTP

/// `driftless run`: the pipeline stages in one process (all, or one with `--stage`).
///
/// Several processes with the same `--stage` and configuration share the work through Kafka consumer
/// groups. The in-process mock cluster is used only when asked for (`--embedded`,
/// `DRIFTLESS_KAFKA_BOOTSTRAP=embedded` or `kafka.bootstrapServers: embedded`): without brokers `run`
/// refuses to start rather than keep events where the next restart loses them. SIGTERM/SIGINT shut
/// down gracefully.
package struct RunCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the pipeline: ingest (webhooks, poller), validate, translate, dispatch, dead-letter.",
        discussion: """
            Configuration: --config FILE (YAML, see Deploy/driftless.yaml), then DRIFTLESS_* environment \
            variables (DRIFTLESS_KAFKA_BOOTSTRAP, DRIFTLESS_LEDGER_URL, DRIFTLESS_TOPIC_PREFIX, \
            DRIFTLESS_INGEST_PORT, DRIFTLESS_SHOPIFY_SECRET[_FILE], DRIFTLESS_POLLER_URL, …). \
            Secrets are read from the environment or files and never logged. An unknown key in the file \
            stops start-up. Kafka: real brokers, or `embedded` (the in-process mock cluster, nothing kept) \
            only when asked for.
            """)

    /// A command with its defaults (ArgumentParser fills in what is given).
    package init() {}

    @Option(name: .long, help: "YAML configuration file.")
    var config: String?

    @Option(
        name: .long,
        help: "Run only this stage (repeatable): \(StageName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var stage: [StageName] = []

    @Option(name: .long, help: "With --stage retry: read only this retry tier (repeatable), e.g. 10s, 1m.")
    var tier: [String] = []

    @Flag(
        name: .long,
        help: "Use the in-process mock Kafka cluster (nothing kept across restarts), even if brokers are configured.")
    var embedded = false

    @Option(name: .long, help: "HTTP port for webhooks and health (overrides the configuration).")
    var port: Int?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    package func validate() throws {
        if !tier.isEmpty, !stage.contains(.retry) {
            throw ValidationError("--tier needs --stage retry (it picks the retry tiers that stage reads)")
        }
    }

    package func run() async throws {
        var configuration: PipelineConfiguration
        do {
            configuration = try PipelineConfiguration.load(file: config)
        } catch let error as PipelineConfigurationError {
            throw ValidationError(error.description)
        }
        if embedded {
            configuration.bootstrapServers = nil
            configuration.embeddedRequested = true
        }
        guard configuration.bootstrapServers != nil || configuration.embeddedRequested else {
            throw ValidationError(
                "no Kafka brokers configured: set kafka.bootstrapServers (or DRIFTLESS_KAFKA_BOOTSTRAP), or ask for "
                    + "the in-process mock cluster with --embedded (or the value `embedded`); it keeps nothing across restarts"
            )
        }
        if let port { configuration.ingestPort = port }
        configuration.retryTierFilter = tier
        var logger = Logger(label: "driftless")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let stages = stage.isEmpty ? Set(StageName.allCases) : Set(stage)
        let console = OpsConsole(configuration: configuration, logger: logger)
        let ownListener = configuration.ops.listenPort != nil
        let runtime: PipelineRuntime
        do {
            runtime = try await PipelineRuntime.start(
                configuration: configuration, stages: stages, handleSignals: true, logger: logger,
                http: HummingbirdHTTPFront(extraRoutes: ownListener ? nil : console.addRoutes))
        } catch PipelineRuntimeError.httpFailedToStart(let host, let port)
            where PortProbe.isInUse(host: host, port: port)
        {
            throw CommandFailure(
                "port \(port) is already in use on \(host): stop the process "
                    + "listening there or choose another port (--port, ingest.port, DRIFTLESS_INGEST_PORT)")
        }
        // Written straight to the file descriptor: a pipe or file would hold a print() until exit.
        let line = Self.startLine(
            configuration, stages: stages, httpPort: runtime.httpPort, ledger: runtime.ledger.location,
            bootstrap: runtime.bootstrapServers)
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
        console.attach(OpsBackend(runtime: runtime))
        try await OpsListener.run(console, configuration: configuration.ops, logger: logger) {
            try await runtime.wait()
        }
    }

    /// The start-up line: the stages that actually run (no dispatch or retry without an ERP), the
    /// routes served (the webhook route only with a Shopify secret), Kafka and the ledger.
    static func startLine(
        _ configuration: PipelineConfiguration, stages: Set<StageName>, httpPort: Int, ledger: String,
        bootstrap: String
    ) -> String {
        let running = configuration.erp == nil ? stages.subtracting([.dispatch, .retry]) : stages
        let routes =
            (configuration.shopifySecret == nil ? [] : ["POST /webhooks/shopify"])
            + ["/healthz", "/readyz", "/status", "/metrics"]
            + (configuration.ops.listenPort == nil ? ["/ops"] : [])
        return "driftless: \(running.map(\.rawValue).sorted().joined(separator: ", ")) running"
            + (configuration.erp == nil && !stages.isDisjoint(with: [.dispatch, .retry])
                ? " (no ERP configured: dispatch and retry off)" : "")
            + "; http://\(configuration.ingestHost):\(httpPort) (\(routes.joined(separator: ", "))); "
            + "kafka \(configuration.isEmbedded ? "embedded mock cluster" : bootstrap); ledger \(ledger)"
    }

}

extension StageName: ExpressibleByArgument {}
