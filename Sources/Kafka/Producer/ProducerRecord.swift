/// One record header. A `nil` value is a null header (distinct from an empty one).
public struct KafkaHeader: Sendable, Hashable {
    /// Header name.
    public var key: String
    /// Header bytes, or `nil` for a null header.
    public var value: [UInt8]?

    /// Creates a header from raw bytes.
    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    /// Creates a header whose value is the UTF-8 encoding of `string`.
    public init(key: String, string: String) {
        self.key = key
        self.value = Array(string.utf8)
    }

    /// The value decoded as UTF-8, if present.
    public var stringValue: String? { value.map { String(decoding: $0, as: UTF8.self) } }
}

/// A record to send. A `nil` value is a tombstone; a `nil` key lets the partitioner choose.
public struct ProducerRecord: Sendable, Hashable {
    /// Destination topic.
    public var topic: String
    /// Record key (same key → same partition), or `nil`.
    public var key: [UInt8]?
    /// Record value, or `nil` for a tombstone.
    public var value: [UInt8]?
    /// Record headers, in order.
    public var headers: [KafkaHeader]
    /// An explicit partition, or `nil` to partition by key (murmur2, like the Java client).
    public var partition: Int32?

    /// Creates a record.
    public init(
        topic: String,
        key: [UInt8]? = nil,
        value: [UInt8]?,
        headers: [KafkaHeader] = [],
        partition: Int32? = nil
    ) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
    }

    /// Creates a record with a UTF-8 string key and value.
    public init(topic: String, key: String?, value: String?, headers: [KafkaHeader] = [], partition: Int32? = nil) {
        self.init(
            topic: topic,
            key: key.map { Array($0.utf8) },
            value: value.map { Array($0.utf8) },
            headers: headers,
            partition: partition
        )
    }
}

/// Where the broker stored a record, from its delivery report.
public struct DeliveryReport: Sendable, Hashable {
    /// Topic the record was written to.
    public var topic: String
    /// Partition the record was written to.
    public var partition: Int32
    /// Offset of the record in that partition.
    public var offset: Int64

    /// Creates a delivery report.
    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }
}
