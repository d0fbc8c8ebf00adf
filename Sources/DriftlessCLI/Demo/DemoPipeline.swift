import DriftlessOperations
import Foundation
import Kafka
import Logging
import Pipeline
import PipelineHTTP

/// Driftless itself in the demo: every stage in one process (as `driftless run`), on the demo's Kafka
/// (an in-process mock cluster unless `--brokers`) and ledger, started again with the fixed mapping.
final class DemoPipeline: Sendable {
    let configuration: PipelineConfiguration
    /// The mock cluster, owned here so it outlives a restart of the stages.
    let mockCluster: MockCluster?
    let logger: Logger

    init(settings: DemoSettings, world: DemoWorld, ledgerURL: String, logger: Logger) throws {
        var configuration = PipelineConfiguration()
        if let brokers = settings.brokers {
            configuration.bootstrapServers = brokers
            // A real broker keeps topics between runs: each run gets its own.
            configuration.topicPrefix = "driftless-demo-\(Int(Date().timeIntervalSince1970))"
            mockCluster = nil
        } else {
            let cluster = try MockCluster(brokers: 1)
            configuration.bootstrapServers = cluster.bootstrapServers
            configuration.consumerProperties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]
            mockCluster = cluster
        }
        configuration.ledgerURL = ledgerURL
        configuration.ingestPort = 0
        configuration.replica = "demo"
        configuration.shopifySecret = Secret(world.webhookSecret)
        var poller = PollerConfiguration(
            baseURL: world.marketplace.server.baseURL, pageSize: 100, intervalSeconds: 1,
            initialLookbackSeconds: 2 * 3600)
        poller.rateLimitPerSecond = 10
        poller.rateLimitBurst = 20
        // Marketplace orders with their lines (getOrderItems, at the demo marketplace's plan).
        poller.orderItems = true
        poller.orderItemsRateLimitPerSecond = 20
        poller.orderItemsRateLimitBurst = 30
        configuration.poller = poller
        configuration.amazonLWA = world.lwaConfiguration
        configuration.erp = world.erpConfiguration
        var dispatch = DispatchPolicy()
        dispatch.retryTiers = settings.retryTiers.compactMap(RetryTier.init)
        dispatch.breakerOpen = .seconds(1)
        dispatch.breakerMaxOpen = .seconds(4)
        dispatch.viewTTL = .seconds(5)
        configuration.dispatch = dispatch
        configuration.metricsSampleInterval = .seconds(1)
        configuration.maxBatchSize = 500
        self.configuration = configuration
        self.logger = logger
    }

    /// Topic names.
    var topics: PipelineTopics { PipelineTopics(prefix: configuration.topicPrefix) }

    /// Deletes the demo's topics on a real broker (`--brokers`); the mock cluster goes with the process.
    /// Best effort: a broker that refuses is reported, not fatal.
    func deleteTopics() async -> String? {
        guard mockCluster == nil, let bootstrap = configuration.bootstrapServers else { return nil }
        do {
            let admin = try KafkaAdmin(config: KafkaConfig(bootstrapServers: bootstrap))
            try await admin.deleteTopics(topics.allTopics(tiers: configuration.dispatch.retryTiers))
            return nil
        } catch {
            return "the demo's topics (\(configuration.topicPrefix).*) were not deleted: \(error)"
        }
    }

    /// Starts every stage; `mappingFile` nil: the bundled mapping. Signals are the demo command's
    /// (``DemoCommand``): the runtime traps none.
    func start(mappingFile: String? = nil) async throws -> PipelineRuntime {
        var configuration = self.configuration
        configuration.mappingFile = mappingFile
        return try await PipelineRuntime.start(
            configuration: configuration, mockCluster: mockCluster, logger: logger)
    }

    /// Writes `driftless.yaml` into `directory` (Kafka, topic prefix, ledger, retry tiers: no secrets) so
    /// `driftless lag|dlq … --config` reach the demo while it keeps serving; returns its path.
    func writeConfigFile(in directory: URL) throws -> String {
        let tiers = configuration.dispatch.retryTiers.map(\.name).joined(separator: ", ")
        let text = """
            # Written by `driftless demo --keep`: its Kafka, ledger and retry tiers (no secrets).
            kafka:
              bootstrapServers: "\(configuration.bootstrapServers ?? "")"
              topicPrefix: \(configuration.topicPrefix)
            ledger:
              url: "\(configuration.ledgerURL)"
            dispatch:
              retryTiers: [\(tiers)]

            """
        let path = directory.appendingPathComponent("driftless.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A producer on the demo's Kafka (reconciliation's corrections, dead-letter replays).
    func producer() throws -> KafkaProducer {
        try KafkaProducer(
            config: KafkaConfig(bootstrapServers: configuration.bootstrapServers ?? "", configuration.kafkaProperties),
            logger: logger)
    }
}
