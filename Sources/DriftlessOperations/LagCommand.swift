import ArgumentParser
import Foundation
import Kafka
import Logging
import Pipeline

/// `driftless lag`: committed offset, watermarks and lag per partition of every stage's consumer
/// group, with a total per group — the numbers `/metrics` exports as
/// `driftless_consumer_lag_messages` — and each group's verdict over `--window` samples
/// (``LagVerdictMachine``: OK, WARN growing, STALL committed offset not moving, STOP no member), the
/// same verdict as `driftless_consumer_group_verdict`.
package struct LagCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "lag",
        abstract: "Consumer lag per stage group and partition (committed offset, watermarks, lag).",
        discussion: """
            Reads the brokers from --config / DRIFTLESS_KAFKA_BOOTSTRAP (or --bootstrap) and the topic \
            prefix from the configuration. An embedded run's mock cluster lives inside that process: \
            read its lag on its /metrics instead. Verdicts: --window 6 --interval 5 samples six times, \
            five seconds apart, and judges each group over them (with --watch the window rolls on).
            """)

    /// A command with its defaults (ArgumentParser fills in what is given).
    package init() {}

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

    @Option(name: .long, help: "Samples (--interval apart) each group's verdict is judged over (1: now only).")
    var window: Int = 1

    package func validate() throws {
        guard interval.isFinite, interval >= 0.1 else { throw ValidationError("--interval must be at least 0.1") }
        guard (1...100).contains(window) else { throw ValidationError("--window must be between 1 and 100 samples") }
    }

    package func run() async throws {
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
        var machine = LagVerdictMachine(windowSize: window)
        var taken = 0
        repeat {
            if taken > 0 { try await Task.sleep(for: .milliseconds(Int64(interval * 1000))) }
            let report = try await LagReport.collect(admin: admin, topics: topics, retryTiers: tiers, group: group)
            var members: [String: Int] = [:]
            for name in Set(report.groups.map(\.group)) {
                members[name] = (try? await admin.memberCount(group: name)) ?? nil
            }
            for (name, sample) in LagSample.samples(report, at: Date(), members: members) {
                _ = machine.record(group: name, sample)
            }
            taken += 1
            guard watch || taken >= window else { continue }
            print(json ? try report.json() : report.table() + "\n" + Self.verdicts(machine))
        } while watch || taken < window
    }

    /// One line per group: its verdict, why, and over how many samples.
    static func verdicts(_ machine: LagVerdictMachine) -> String {
        machine.current.sorted { $0.key < $1.key }.map { group, evaluation in
            "verdict \(group): \(evaluation.verdict.rawValue) — \(evaluation.reason) "
                + "(\(machine.samples(of: group)) sample\(machine.samples(of: group) == 1 ? "" : "s"))"
        }.joined(separator: "\n")
    }
}
