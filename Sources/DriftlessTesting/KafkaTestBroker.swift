import Foundation
import Kafka
import Logging
import Synchronization

/// A Kafka broker for a test: librdkafka's in-process mock cluster, or an independent broker
/// (Tansu behind the compatibility proxy) named by `DRIFTLESS_TEST_BOOTSTRAP`.
///
/// Topic and group names from ``uniqueName(_:)`` never collide between tests or runs, so tests can
/// share one independent broker.
public final class TestBroker: Sendable {
    /// Which kind of broker this is.
    public enum Kind: String, Sendable {
        case mock
        case tansu
    }

    /// The kind of broker.
    public let kind: Kind
    /// Bootstrap servers for clients.
    public let bootstrapServers: String
    /// The mock cluster (fault injection), when ``kind`` is `.mock`.
    public let mockCluster: MockCluster?

    private static let counter = Atomic<Int>(0)
    private static let runID = String(UInt32.random(in: 0...UInt32.max), radix: 36)

    private init(kind: Kind, bootstrapServers: String, mockCluster: MockCluster?) {
        self.kind = kind
        self.bootstrapServers = bootstrapServers
        self.mockCluster = mockCluster
    }

    /// Starts a private mock cluster with `brokers` brokers (ids `1...brokers`).
    public static func mock(brokers: Int = 1) throws -> TestBroker {
        let cluster = try MockCluster(brokers: brokers)
        return TestBroker(kind: .mock, bootstrapServers: cluster.bootstrapServers, mockCluster: cluster)
    }

    /// The independent broker from `DRIFTLESS_TEST_BOOTSTRAP`. When the variable is unset this
    /// throws ``TestBrokerError/missingService(_:)`` with instructions, unless
    /// `DRIFTLESS_ALLOW_MISSING_SERVICES=1`, in which case it returns `nil` (the test should skip).
    public static func tansu() throws -> TestBroker? {
        let environment = ProcessInfo.processInfo.environment
        guard let bootstrap = environment["DRIFTLESS_TEST_BOOTSTRAP"], !bootstrap.isEmpty else {
            if environment["DRIFTLESS_ALLOW_MISSING_SERVICES"] == "1" { return nil }
            throw TestBrokerError.missingService(
                "DRIFTLESS_TEST_BOOTSTRAP is not set: start a broker with `scripts/dev-broker start` and export "
                    + "`$(scripts/dev-broker env)`, or set DRIFTLESS_ALLOW_MISSING_SERVICES=1 to skip broker tests")
        }
        TopicSweeper.register(bootstrapServers: bootstrap, runID: runID)
        return TestBroker(kind: .tansu, bootstrapServers: bootstrap, mockCluster: nil)
    }

    /// A name unique to this process and call, e.g. `orders-k3f9a-12`.
    public func uniqueName(_ prefix: String) -> String {
        Self.uniqueName(prefix)
    }

    /// A name unique to this process and call.
    public static func uniqueName(_ prefix: String) -> String {
        let number = counter.add(1, ordering: .relaxed).newValue
        return "\(prefix)-\(runID)-\(number)"
    }

    /// Client configuration (bootstrap servers plus `extra`).
    public func config(_ extra: [String: String] = [:]) -> KafkaConfig {
        KafkaConfig(bootstrapServers: bootstrapServers, extra)
    }

    /// Consumer configuration with short group timeouts, plus `extra`. Tansu completes a join after
    /// about half of `session.timeout.ms` (6 s here); the mock cluster waits up to the session
    /// timeout for members to rejoin during a rebalance (4 s here; below ~3.5 s the first join never completes, its initial rebalance delay being 3 s).
    public func consumerConfig(_ extra: [String: String] = [:]) -> KafkaConfig {
        let group: [String: String] =
            switch kind {
            case .tansu: ["session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]
            case .mock: ["session.timeout.ms": "4000", "heartbeat.interval.ms": "300"]
            }
        var properties = group.merging(extra) { _, new in new }
        if let debug = ProcessInfo.processInfo.environment["DRIFTLESS_KAFKA_DEBUG"], !debug.isEmpty {
            properties["debug"] = debug
        }
        return config(properties)
    }

    /// Creates a topic with a unique name and returns the name.
    public func createTopic(_ prefix: String = "test", partitions: Int32 = 1) async throws -> String {
        let name = uniqueName(prefix)
        try await createTopic(named: name, partitions: partitions)
        return name
    }

    /// Creates topic `name` (mock: through the mock cluster; otherwise through the admin API).
    public func createTopic(named name: String, partitions: Int32) async throws {
        if let mockCluster {
            try mockCluster.createTopic(name, partitions: partitions)
        } else {
            let admin = try KafkaAdmin(config: config())
            try await admin.createTopics([TopicSpec(name: name, partitions: partitions)])
        }
    }
}

/// Why a test broker is not available.
public enum TestBrokerError: Error, CustomStringConvertible {
    /// A required service is not configured.
    case missingService(String)
    /// A helper did not finish in time.
    case timedOut(String)

    public var description: String {
        switch self {
        case let .missingService(message): return message
        case let .timedOut(message): return message
        }
    }
}
