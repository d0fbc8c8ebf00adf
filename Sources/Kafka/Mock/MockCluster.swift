import CRdKafka

/// librdkafka's in-process mock Kafka cluster, for tests and local runs without a broker.
///
/// It listens on loopback ports; ``bootstrapServers`` can be shared by any number of producers,
/// consumers and admin clients in this process. Fault injection: broker down/up, round-trip time,
/// request errors. Destroyed (ports closed, data gone) when the last reference goes away.
/// Keep volumes modest: librdkafka 2.0.2's mock cluster stalls with ~100k-message backlogs.
public final class MockCluster: Sendable {
    private let cluster: MockClusterHandle

    /// Bootstrap servers of the mock brokers (`127.0.0.1:port,…`).
    public let bootstrapServers: String

    /// Number of brokers; their ids are `1...brokers`.
    public let brokers: Int

    /// Kafka protocol request types, for ``pushRequestErrors(apiKey:errors:)``.
    public enum APIKey: Int16, Sendable {
        case produce = 0
        case fetch = 1
        case listOffsets = 2
        case metadata = 3
        case offsetCommit = 8
        case offsetFetch = 9
        case findCoordinator = 10
        case joinGroup = 11
        case heartbeat = 12
        case syncGroup = 14
        case initProducerID = 22
    }

    /// Starts a mock cluster of `brokers` brokers.
    public init(brokers: Int = 3) throws {
        // librdkafka needs a host client for its bookkeeping; a producer handle that is never used.
        let host = try RdKafkaHandle.make(type: RD_KAFKA_PRODUCER, config: KafkaConfig(["log_level": "3"]))
        guard let pointer = rd_kafka_mock_cluster_new(host.pointer, Int32(brokers)) else {
            throw KafkaError.clientCreation(message: "rd_kafka_mock_cluster_new failed")
        }
        cluster = MockClusterHandle(pointer: pointer, host: host)
        self.brokers = brokers
        bootstrapServers = rd_kafka_mock_cluster_bootstraps(pointer).map { String(cString: $0) } ?? ""
    }

    /// Creates a topic (the mock cluster also auto-creates topics on first use, with default sizes).
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws {
        let code = rd_kafka_mock_topic_create(cluster.pointer, name, partitions, replicationFactor)
        try check(code, "create mock topic \(name)")
    }

    /// Makes broker `brokerID` (1-based, or -1 for all) refuse connections and drop existing ones.
    public func setBrokerDown(_ brokerID: Int32) throws {
        try check(rd_kafka_mock_broker_set_down(cluster.pointer, brokerID), "set broker \(brokerID) down")
    }

    /// Makes broker `brokerID` accept connections again.
    public func setBrokerUp(_ brokerID: Int32) throws {
        try check(rd_kafka_mock_broker_set_up(cluster.pointer, brokerID), "set broker \(brokerID) up")
    }

    /// Adds a round-trip delay to every response of broker `brokerID` (-1: all brokers).
    public func setRTT(brokerID: Int32 = -1, milliseconds: Int) throws {
        try check(rd_kafka_mock_broker_set_rtt(cluster.pointer, brokerID, Int32(milliseconds)), "set RTT")
    }

    /// Makes the next `errors.count` requests of type `apiKey` fail with these Kafka error codes,
    /// in order (e.g. `[6]` = NOT_LEADER_OR_FOLLOWER, retriable).
    public func pushRequestErrors(apiKey: APIKey, errors: [Int32]) {
        let codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
        codes.withUnsafeBufferPointer { buffer in
            rd_kafka_mock_push_request_errors_array(cluster.pointer, apiKey.rawValue, buffer.count, buffer.baseAddress)
        }
    }

    /// Moves the coordinator of consumer group `group` to broker `brokerID`.
    public func setGroupCoordinator(group: String, brokerID: Int32) throws {
        try check(rd_kafka_mock_coordinator_set(cluster.pointer, "group", group, brokerID), "set coordinator")
    }

    private func check(_ code: rd_kafka_resp_err_t, _ operation: String) throws {
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.admin(operation: operation, code: code.rawValue, message: KafkaError.text(code))
        }
    }
}

/// Owns the `rd_kafka_mock_cluster_t` and its host client; the cluster is destroyed first.
private final class MockClusterHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    private let host: RdKafkaHandle

    init(pointer: OpaquePointer, host: RdKafkaHandle) {
        self.pointer = pointer
        self.host = host
    }

    deinit {
        rd_kafka_mock_cluster_destroy(pointer)
    }
}
