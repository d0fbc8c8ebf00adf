import CRdKafka
import Logging

/// Topic administration and consumer-lag queries. Every broker round trip runs on a dedicated
/// thread and is bounded by `timeout`, so an unreachable broker yields
/// ``KafkaError/timedOut(operation:message:)`` instead of a hang.
public final class KafkaAdmin: Sendable {
    private let handle: RdKafkaHandle
    private let config: KafkaConfig
    private let timeout: Duration
    private let logger: Logger

    /// Creates an admin client; invalid properties raise ``KafkaError/configuration(property:message:)``.
    public init(
        config: KafkaConfig, timeout: Duration = .seconds(10), logger: Logger = Logger(label: "driftless.kafka.admin")
    ) throws {
        let properties = config.withDefaults(["log.connection.close": "false"])
        handle = try RdKafkaHandle.make(type: RD_KAFKA_PRODUCER, config: properties)
        self.config = properties
        self.timeout = timeout
        self.logger = logger
    }

    private var timeoutMilliseconds: Int32 {
        timeout.librdkafkaMilliseconds
    }

    /// For extensions in other files: the handle, the round-trip bound and the brokers (for errors).
    var adminHandle: RdKafkaHandle { handle }
    var adminTimeoutMilliseconds: Int32 { timeoutMilliseconds }
    var adminBootstrap: String { config.bootstrapServers ?? "?" }

    /// Creates topics; a topic that already exists counts as success.
    public func createTopics(_ topics: [TopicSpec]) async throws {
        guard !topics.isEmpty else { return }
        let handle = handle
        let milliseconds = timeoutMilliseconds
        let bootstrap = config.bootstrapServers ?? "?"
        try await BlockingThread.run(name: "kafka-admin") { () throws(KafkaError) in
            try Self.createTopicsBlocking(
                handle: handle, topics: topics, timeoutMilliseconds: milliseconds, bootstrap: bootstrap)
        }
    }

    /// Deletes topics; a topic that does not exist counts as deleted.
    public func deleteTopics(_ names: [String]) async throws {
        guard !names.isEmpty else { return }
        let handle = handle
        let milliseconds = timeoutMilliseconds
        let bootstrap = config.bootstrapServers ?? "?"
        try await BlockingThread.run(name: "kafka-admin") { () throws(KafkaError) in
            try Self.deleteTopicsBlocking(
                handle: handle, names: names, timeoutMilliseconds: milliseconds, bootstrap: bootstrap)
        }
    }

    /// Lists topics with their partitions (internal topics excluded).
    public func listTopics() async throws -> [TopicMetadata] {
        let handle = handle
        let milliseconds = timeoutMilliseconds
        let bootstrap = config.bootstrapServers ?? "?"
        return try await BlockingThread.run(name: "kafka-admin") { () throws(KafkaError) in
            try Self.metadata(handle: handle, timeoutMilliseconds: milliseconds, bootstrap: bootstrap)
        }
    }

    /// Lag of consumer group `group` on every partition of `topics`: committed offset vs high
    /// watermark (a ListOffsets query per partition).
    public func lag(group: String, topics: [String]) async throws -> [PartitionLag] {
        let handle = handle
        let milliseconds = timeoutMilliseconds
        let properties = config.merging(["group.id": group, "enable.auto.commit": "false"])
        let bootstrap = config.bootstrapServers ?? "?"
        return try await BlockingThread.run(name: "kafka-admin-lag") { () throws(KafkaError) in
            let wanted = Set(topics)
            let metadata = try Self.metadata(handle: handle, timeoutMilliseconds: milliseconds, bootstrap: bootstrap)
                .filter { wanted.contains($0.name) }
            let missing = wanted.subtracting(metadata.map(\.name))
            if let topic = missing.sorted().first {
                throw .admin(
                    operation: "lag of group \(group)", code: RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART.rawValue,
                    message: "unknown topic \(topic)")
            }
            let entries = metadata.flatMap { topic in
                topic.partitions.map { TopicPartitionOffset(topic: topic.name, partition: $0, offset: -1001) }
            }
            // rd_kafka_committed needs a consumer handle with the group id (it does not join).
            let consumer = try RdKafkaHandle.make(type: RD_KAFKA_CONSUMER, config: properties)
            let list = RdPartitionList(entries)
            let code = rd_kafka_committed(consumer.pointer, list.pointer, milliseconds)
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw Self.roundTripError("committed offsets of group \(group)", code, bootstrap: bootstrap)
            }
            return try list.entries.map { entry throws(KafkaError) in
                var low: Int64 = 0
                var high: Int64 = 0
                let result = rd_kafka_query_watermark_offsets(
                    consumer.pointer, entry.topic, entry.partition, &low, &high, milliseconds)
                guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw Self.roundTripError(
                        "watermarks of \(entry.topic)[\(entry.partition)]", result, bootstrap: bootstrap)
                }
                return PartitionLag(
                    topic: entry.topic, partition: entry.partition,
                    committed: entry.offset >= 0 ? entry.offset : nil,
                    lowWatermark: low, highWatermark: high
                )
            }
        }
    }

    static func roundTripError(_ operation: String, _ code: rd_kafka_resp_err_t, bootstrap: String) -> KafkaError {
        switch code {
        case RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
            return .timedOut(
                operation: operation, message: "no answer from brokers \(bootstrap): \(KafkaError.text(code))")
        default:
            return .admin(operation: operation, code: code.rawValue, message: KafkaError.text(code))
        }
    }

    static func metadata(handle: RdKafkaHandle, timeoutMilliseconds: Int32, bootstrap: String) throws(KafkaError)
        -> [TopicMetadata]
    {
        var pointer: UnsafePointer<rd_kafka_metadata>?
        let code = rd_kafka_metadata(handle.pointer, 1, nil, &pointer, timeoutMilliseconds)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata = pointer else {
            throw roundTripError("metadata request", code, bootstrap: bootstrap)
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        let count = Int(metadata.pointee.topic_cnt)
        guard count > 0, let topics = metadata.pointee.topics else { return [] }
        return (0..<count).compactMap { index -> TopicMetadata? in
            let topic = topics[index]
            guard topic.err == RD_KAFKA_RESP_ERR_NO_ERROR, let name = topic.topic.map({ String(cString: $0) }),
                !name.hasPrefix("__")
            else { return nil }
            let partitions = (0..<Int(topic.partition_cnt)).compactMap { topic.partitions?[$0].id }.sorted()
            return TopicMetadata(name: name, partitions: partitions)
        }.sorted { $0.name < $1.name }
    }
}
