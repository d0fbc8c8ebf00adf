/// A topic to create.
public struct TopicSpec: Sendable, Hashable {
    /// Topic name.
    public var name: String
    /// Number of partitions.
    public var partitions: Int32
    /// Replicas per partition.
    public var replicationFactor: Int32
    /// Topic configuration, e.g. `["cleanup.policy": "compact"]`.
    public var config: [String: String]

    /// Creates a topic specification.
    public init(name: String, partitions: Int32, replicationFactor: Int32 = 1, config: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.config = config
    }
}

/// A topic as reported by cluster metadata.
public struct TopicMetadata: Sendable, Hashable {
    /// Topic name.
    public var name: String
    /// Partition ids, ascending.
    public var partitions: [Int32]
}

/// Consumer lag of one partition for one group.
public struct PartitionLag: Sendable, Hashable {
    /// Topic.
    public var topic: String
    /// Partition.
    public var partition: Int32
    /// The group's committed offset, or `nil` when it never committed on this partition.
    public var committed: Int64?
    /// Low watermark (first available offset).
    public var lowWatermark: Int64
    /// High watermark (offset of the next record to be written).
    public var highWatermark: Int64
    /// Records not yet consumed by the group: high watermark minus committed offset (or minus the
    /// low watermark when nothing was committed).
    public var lag: Int64 { max(0, highWatermark - (committed ?? lowWatermark)) }
}
