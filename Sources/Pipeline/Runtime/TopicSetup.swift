import Kafka
import Logging

/// Creates the pipeline's topics on start-up (idempotent: existing topics are left alone).
public enum TopicSetup {
    /// The specs of the stage topics: `partitions` each; the quarantine topic keeps data longer.
    /// The retry tiers have the same partition count as the rest (one order's records stay in one
    /// partition of each).
    public static func specs(
        topics: PipelineTopics, partitions: Int32, replicationFactor: Int32, tiers: [RetryTier] = RetryTier.defaults
    ) -> [TopicSpec] {
        topics.allTopics(tiers: tiers).map { name in
            TopicSpec(
                name: name, partitions: partitions, replicationFactor: replicationFactor,
                config: name == topics.quarantine || name == topics.deadLetter
                    ? ["retention.ms": String(30 * 24 * 3600 * 1000)] : [:])
        }
    }

    /// Creates the stage topics through the admin API (or the mock cluster's own call when given):
    /// the broker's metadata first, then CreateTopics for the missing ones only. One attempt, each
    /// round trip bounded by `adminTimeout`; start-up retries it (``TopicSetupService``).
    public static func ensure(
        kafka: KafkaConfig, topics: PipelineTopics, partitions: Int32, replicationFactor: Int32,
        tiers: [RetryTier] = RetryTier.defaults, mockCluster: MockCluster? = nil,
        adminTimeout: Duration = .seconds(10), logger: Logger
    ) async throws {
        let specs = specs(topics: topics, partitions: partitions, replicationFactor: replicationFactor, tiers: tiers)
        if let mockCluster {
            for spec in specs {
                do {
                    try mockCluster.createTopic(spec.name, partitions: spec.partitions)
                } catch let error as KafkaError {
                    // Idempotent like CreateTopics: an existing topic (TOPIC_ALREADY_EXISTS, 36) is fine.
                    guard case .admin(_, 36, _) = error else { throw error }
                }
            }
        } else {
            let admin = try KafkaAdmin(config: kafka, timeout: adminTimeout, logger: logger)
            let existing = Set(try await admin.listTopics().map(\.name))
            try await admin.createTopics(specs.filter { !existing.contains($0.name) })
        }
        logger.info("topics ready", metadata: ["topics": "\(specs.map(\.name))", "partitions": "\(partitions)"])
    }
}
