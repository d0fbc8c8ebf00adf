import ArgumentParser
import Foundation
import Kafka
import Logging
import Pipeline

/// `driftless topics create|check`: the pipeline's topics (`TopicSetup.specs`: every stage topic and
/// retry tier with the configured partitions, replication factor and retention) made ahead of the
/// stages — e.g. by a Kubernetes Job — and checked against the brokers.
package struct TopicsCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "Create or check the pipeline's Kafka topics (partitions, replication, retention).",
        subcommands: [TopicsCreate.self, TopicsCheck.self])

    /// A command with its defaults (ArgumentParser fills in what is given).
    package init() {}
}

/// The options both verbs share and what they resolve to.
struct TopicsOptions: ParsableArguments {
    @Option(name: .long, help: "YAML configuration file.")
    var config: String?

    @Option(name: .long, help: "Bootstrap servers (overrides the configuration).")
    var bootstrap: String?

    @Option(name: .long, help: "Seconds to wait for the brokers' answers.")
    var timeout: Double = 30

    package func validate() throws {
        guard timeout.isFinite, timeout >= 1 else { throw ValidationError("--timeout must be at least 1") }
    }

    /// The topic specs of the configuration and an admin client for its brokers.
    func resolve() throws -> (specs: [TopicSpec], admin: KafkaAdmin) {
        let target = try BrokerTarget(
            config: config, bootstrap: bootstrap, embeddedHint: "an embedded run creates its own topics")
        let (configuration, servers) = (target.configuration, target.bootstrapServers)
        let specs = TopicSetup.specs(
            topics: PipelineTopics(prefix: configuration.topicPrefix), partitions: configuration.partitions,
            replicationFactor: configuration.replicationFactor, tiers: configuration.dispatch.retryTiers)
        var logger = Logger(label: "driftless.topics")
        logger.logLevel = .warning
        let admin = try KafkaAdmin(
            config: KafkaConfig(bootstrapServers: servers, configuration.kafkaProperties),
            timeout: .milliseconds(Int64(timeout * 1000)), logger: logger)
        return (specs, admin)
    }
}

/// What `topics check` found: one line per topic, and whether every topic is as configured.
struct TopicsCheckResult: Sendable {
    var lines: [String]
    var ok: Bool

    /// Compares the brokers' topics with the specs: each must exist with exactly its partitions
    /// (a different count moves order keys to other partitions).
    static func compare(specs: [TopicSpec], found: [TopicMetadata]) -> TopicsCheckResult {
        let partitions = Dictionary(
            found.map { ($0.name, $0.partitions.count) }, uniquingKeysWith: { first, _ in first })
        var lines: [String] = []
        var ok = true
        for spec in specs {
            let retention = spec.config["retention.ms"].map { ", retention.ms \($0)" } ?? ""
            switch partitions[spec.name] {
            case nil:
                ok = false
                lines.append("missing  \(spec.name) (wanted \(spec.partitions) partitions\(retention))")
            case let count? where count != Int(spec.partitions):
                ok = false
                lines.append("wrong    \(spec.name): \(count) partitions, the configuration says \(spec.partitions)")
            case let count?:
                lines.append("ok       \(spec.name): \(count) partitions")
            }
        }
        return TopicsCheckResult(lines: lines, ok: ok)
    }

    var text: String {
        (lines + [ok ? "topics: every topic as configured" : "topics: not as configured"]).joined(separator: "\n")
    }
}

/// `driftless topics create`: creates what is missing (existing topics are left alone), then checks.
struct TopicsCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract:
            "Create the pipeline's topics that do not exist yet, then check them all (exit 1 if not as configured).")

    @OptionGroup var options: TopicsOptions

    func execute() async throws -> TopicsCheckResult {
        let (specs, admin) = try options.resolve()
        try await admin.createTopics(specs)
        return TopicsCheckResult.compare(specs: specs, found: try await admin.listTopics())
    }

    package func run() async throws {
        let result = try await execute()
        print(result.text)
        if !result.ok { throw ExitCode(1) }
    }
}

/// `driftless topics check`: every topic exists with the configured partitions (exit 1 if not).
struct TopicsCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that every pipeline topic exists with the configured partitions (exit 1 if not).")

    @OptionGroup var options: TopicsOptions

    func execute() async throws -> TopicsCheckResult {
        let (specs, admin) = try options.resolve()
        return TopicsCheckResult.compare(specs: specs, found: try await admin.listTopics())
    }

    func run() async throws {
        let result = try await execute()
        print(result.text)
        if !result.ok { throw ExitCode(1) }
    }
}
