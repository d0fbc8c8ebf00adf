import Foundation

/// A record read by a ``KafkaConsumer``. `key` and `value` are `nil` for null keys and tombstones.
public struct KafkaMessage: Sendable, Hashable {
    /// Source topic.
    public var topic: String
    /// Source partition.
    public var partition: Int32
    /// Offset within the partition.
    public var offset: Int64
    /// Record key, or `nil`.
    public var key: [UInt8]?
    /// Record value, or `nil` for a tombstone.
    public var value: [UInt8]?
    /// Record headers, in order.
    public var headers: [KafkaHeader]
    /// Record timestamp (create or log-append time), if the broker sent one.
    public var timestamp: Date?

    /// Which assignment of this partition delivered the message; an acknowledgement from an
    /// earlier assignment (the partition was revoked meanwhile) is ignored.
    var assignmentEpoch: UInt64 = 0
    /// How many rewinds of its partition preceded its delivery (see `KafkaConsumer.pause(redeliveringFrom:until:)`).
    var rewindGeneration: Int = 0

    /// Creates a message (mostly for tests of code that handles messages).
    public init(
        topic: String, partition: Int32, offset: Int64,
        key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [], timestamp: Date? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    /// The first header named `name`.
    public func header(_ name: String) -> KafkaHeader? {
        headers.first { $0.key == name }
    }

    /// The key decoded as UTF-8.
    public var keyString: String? { key.map { String(decoding: $0, as: UTF8.self) } }

    /// The value decoded as UTF-8.
    public var valueString: String? { value.map { String(decoding: $0, as: UTF8.self) } }

    /// Equal when every visible field is: the consumer's bookkeeping (`assignmentEpoch`,
    /// `rewindGeneration`) does not take part.
    public static func == (lhs: KafkaMessage, rhs: KafkaMessage) -> Bool {
        lhs.topic == rhs.topic && lhs.partition == rhs.partition && lhs.offset == rhs.offset && lhs.key == rhs.key
            && lhs.value == rhs.value && lhs.headers == rhs.headers && lhs.timestamp == rhs.timestamp
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(topic)
        hasher.combine(partition)
        hasher.combine(offset)
        hasher.combine(key)
        hasher.combine(value)
        hasher.combine(headers)
        hasher.combine(timestamp)
    }
}
