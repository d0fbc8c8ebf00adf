import ArgumentParser
import Foundation
import Kafka
import Logging
import Pipeline

/// `driftless lag`: committed offset, watermarks and lag per partition of every stage's consumer
/// group, with a total per group — the numbers `/metrics` exports as
/// `driftless_consumer_lag_messages`.
struct LagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lag",
        abstract: "Consumer lag per stage group and partition (committed offset, watermarks, lag).",
        discussion: """
            Reads the brokers from --config / DRIFTLESS_KAFKA_BOOTSTRAP (or --bootstrap) and the topic \
            prefix from the configuration. An embedded run's mock cluster lives inside that process: \
            read its lag on its /metrics instead.
            """)

    @Option(name: .long, help: "YAML configuration file.")
    var config: String?

    @Option(name: .long, help: "Bootstrap servers (overrides the configuration).")
    var bootstrap: String?

    @Option(name: .long, help: "Only this consumer group (e.g. driftless.dispatch).")
    var group: String?

    @Flag(name: .long, help: "Print again every --interval seconds until interrupted.")
    var watch = false

    @Option(name: .long, help: "Seconds between two prints with --watch.")
    var interval: Double = 5

    @Flag(name: .long, help: "JSON instead of a table.")
    var json = false

    func validate() throws {
        guard interval.isFinite, interval >= 0.1 else { throw ValidationError("--interval must be at least 0.1") }
    }

    func run() async throws {
        let target = try BrokerTarget(
            config: config, bootstrap: bootstrap, embeddedHint: "an embedded run's lag is on its /metrics")
        let (configuration, servers) = (target.configuration, target.bootstrapServers)
        let topics = PipelineTopics(prefix: configuration.topicPrefix)
        let tiers = configuration.dispatch.retryTiers.map(\.name)
        let known = LagReport.stageGroups(topics: topics, retryTiers: tiers).map(\.group)
        if let group, !known.contains(group) {
            let known = known.joined(separator: ", ")
            throw ValidationError("unknown group \(group) (stage groups: \(known))")
        }
        var logger = Logger(label: "driftless.lag")
        logger.logLevel = .warning
        let admin = try KafkaAdmin(
            config: KafkaConfig(bootstrapServers: servers, configuration.kafkaProperties), logger: logger)
        repeat {
            let report = try await LagReport.collect(admin: admin, topics: topics, retryTiers: tiers, group: group)
            print(json ? try report.json() : report.table())
            if watch { try await Task.sleep(for: .milliseconds(Int64(interval * 1000))) }
        } while watch
    }
}
