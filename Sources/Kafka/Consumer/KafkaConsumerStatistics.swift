/// Counters a consumer exposes for tests, health checks and metrics.
public struct KafkaConsumerStatistics: Sendable, Hashable {
    /// Messages handed to the buffer.
    public var messagesDelivered = 0
    /// Messages buffered now.
    public var bufferedMessages = 0
    /// Buffer capacity (messages).
    public var bufferCapacity = 0
    /// The most messages ever buffered at once.
    public var bufferHighWaterMark = 0
    /// Partition-assignment callbacks seen.
    public var assignments = 0
    /// Partition-revocation callbacks seen (including lost assignments).
    public var revocations = 0
    /// Revocations where the assignment was lost (e.g. evicted from the group).
    public var lostAssignments = 0
    /// Times the poll thread held a partition back because it filled its share of the buffer
    /// (capacity / assigned partitions). A held-back partition is not paused in librdkafka (that
    /// would discard what was prefetched): its messages wait in librdkafka's per-partition fetch
    /// queue, which stops fetching at `queued.min.messages` / `queued.max.messages.kbytes`.
    public var backPressurePauses = 0
    /// Per-message / client errors reported by librdkafka (logged; the stream continues).
    public var errors = 0
    /// Offsets committed successfully (explicit and rebalance commits).
    public var commits = 0
    /// Commits the coordinator rejected (e.g. REBALANCE_IN_PROGRESS during a rebalance); what they
    /// carried is redelivered to the next owner (the at-least-once window).
    public var commitFailures = 0
    /// Partitions currently assigned.
    public var assignedPartitions = 0
    /// Assigned partitions paused now by the application (`pause(topic:partition:until:)`, or a
    /// rewind), not counting back-pressure holds.
    public var pausedPartitions = 0
    /// The partitions currently assigned, as `topic[partition]`, sorted (kept by the rebalance
    /// callback: what the process registry reports as the partitions a process owns).
    public var assignment: [String] = []

    /// All zero (the consumer's start; tests).
    public init() {}
}
