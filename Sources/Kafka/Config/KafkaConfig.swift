/// librdkafka properties for a client, e.g. `["bootstrap.servers": "127.0.0.1:9092"]`.
///
/// Any librdkafka property passes through unchanged (SASL, TLS, timeouts, …). Properties are
/// validated when a client is created; an invalid one raises
/// ``KafkaError/configuration(property:message:)`` naming it.
public struct KafkaConfig: Sendable, Hashable {
    /// The raw librdkafka properties.
    public var properties: [String: String]

    /// Creates a configuration from raw librdkafka properties.
    public init(_ properties: [String: String] = [:]) {
        self.properties = properties
    }

    /// Creates a configuration for the given bootstrap servers plus extra properties.
    public init(bootstrapServers: String, _ properties: [String: String] = [:]) {
        self.properties = properties
        self.properties["bootstrap.servers"] = bootstrapServers
    }

    /// The `bootstrap.servers` property (comma-separated `host:port` list).
    public var bootstrapServers: String? {
        get { properties["bootstrap.servers"] }
        set { properties["bootstrap.servers"] = newValue }
    }

    /// Reads or writes one librdkafka property.
    public subscript(property: String) -> String? {
        get { properties[property] }
        set { properties[property] = newValue }
    }

    /// A copy with `other`'s properties taking precedence.
    public func merging(_ other: [String: String]) -> KafkaConfig {
        KafkaConfig(properties.merging(other) { _, new in new })
    }

    /// A copy where `defaults` are applied only for properties not already set.
    func withDefaults(_ defaults: [String: String]) -> KafkaConfig {
        KafkaConfig(properties.merging(defaults) { current, _ in current })
    }
}
