/// The YAML config file as written (every field optional; defaults fill the gaps).
/// See `Deploy/driftless.yaml` for an annotated example.
struct PipelineConfigFile: Decodable, Sendable {
    struct Kafka: Decodable, Sendable {
        var bootstrapServers: String?
        var properties: [String: String]?
        var consumerProperties: [String: String]?
        var partitions: Int32?
        var replicationFactor: Int32?
        var topicPrefix: String?
    }

    struct LedgerSection: Decodable, Sendable {
        var url: String?
    }

    struct Shopify: Decodable, Sendable {
        var secret: String?
        var secretFile: String?
        var previousSecret: String?
        var previousSecretFile: String?
    }

    struct Ingest: Decodable, Sendable {
        var host: String?
        var port: Int?
        var maxBodyBytes: Int?
        var sendTimeoutMs: Int?
        var dedupeCapacity: Int?
        var dedupeTtlSeconds: Int?
        var idleTimeoutMs: Int?
        var requestTimeoutMs: Int?
        var maxConnections: Int?
        var maxPendingSends: Int?
        var shopify: Shopify?
    }

    struct Poller: Decodable, Sendable {
        var enabled: Bool?
        var baseURL: String?
        var marketplaceID: String?
        var pageSize: Int?
        var intervalSeconds: Double?
        var lagSeconds: Double?
        var initialLookbackSeconds: Double?
    }

    struct Stages: Decodable, Sendable {
        var replica: String?
        var maxBatchSize: Int?
        var bufferCapacity: Int?
    }

    struct Mapping: Decodable, Sendable {
        var file: String?
    }

    struct Health: Decodable, Sendable {
        var probeIntervalMs: Int?
    }

    var kafka: Kafka?
    var ledger: LedgerSection?
    var ingest: Ingest?
    var poller: Poller?
    var stages: Stages?
    var mapping: Mapping?
    var health: Health?
}
