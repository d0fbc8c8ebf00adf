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
    /// Times the poll thread paused partitions because the buffer was full.
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
}

/// The consumer's shared state: per-partition trackers, pauses, queued commands. Mutated under a
/// lock by the poll thread and by acknowledgements; its methods return what the poll thread must do
/// with librdkafka (outside the lock).
struct ConsumerState {
    struct Partition {
        var epoch: UInt64
        var tracker = OffsetTracker()
        var pausedByBackPressure = false
        var userPaused = false
        var resumeAt: ContinuousClock.Instant?
        /// Offsets this partition was rewound to, in order; a message delivered before rewind `i`
        /// stays acknowledgeable only if it lies below every later rewind offset.
        var rewinds: [Int64] = []
        var isPaused: Bool { pausedByBackPressure || userPaused }

        func accepts(_ message: KafkaMessage) -> Bool {
            guard message.assignmentEpoch == epoch, message.rewindGeneration <= rewinds.count else { return false }
            return rewinds[message.rewindGeneration...].allSatisfy { message.offset < $0 }
        }
    }

    enum Command {
        case pause(TopicPartition, until: ContinuousClock.Instant?)
        case rewindAndPause(KafkaMessage, until: ContinuousClock.Instant?)
        case resume(TopicPartition)
        case commit(CheckedContinuation<Void, any Error>)
    }

    private(set) var partitions: [TopicPartition: Partition] = [:]
    private var nextEpoch: UInt64 = 1
    private var dirty: Set<TopicPartition> = []
    var commands: [Command] = []
    var closing = false
    var closeWaiters: [CheckedContinuation<Void, Never>] = []
    var finished = false
    var statistics = KafkaConsumerStatistics()

    /// New partitions: fresh trackers with a new epoch (back-pressure applies from the next poll).
    mutating func assign(_ assigned: [TopicPartition]) {
        statistics.assignments += 1
        for partition in assigned {
            partitions[partition] = Partition(epoch: nextEpoch)
            nextEpoch += 1
        }
        statistics.assignedPartitions = partitions.count
    }

    /// Removes revoked partitions; returns their final committable offsets (to commit before
    /// giving them up, unless the assignment was lost).
    mutating func revoke(_ revoked: [TopicPartition], lost: Bool) -> [TopicPartitionOffset] {
        statistics.revocations += 1
        if lost { statistics.lostAssignments += 1 }
        var offsets: [TopicPartitionOffset] = []
        for partition in revoked {
            if let state = partitions.removeValue(forKey: partition), let offset = state.tracker.committable {
                offsets.append(TopicPartitionOffset(topic: partition.topic, partition: partition.partition, offset: offset))
            }
            dirty.remove(partition)
        }
        statistics.assignedPartitions = partitions.count
        return offsets
    }

    /// Records delivered messages in their trackers and stamps their epoch; drops messages of
    /// partitions no longer assigned.
    mutating func deliver(_ messages: [KafkaMessage]) -> [KafkaMessage] {
        var accepted: [KafkaMessage] = []
        accepted.reserveCapacity(messages.count)
        for var message in messages {
            let key = TopicPartition(topic: message.topic, partition: message.partition)
            // Mutated in place: copying the partition out would copy its tracker's offsets (O(n)
            // per message).
            guard let index = partitions.index(forKey: key) else { continue }
            partitions.values[index].tracker.delivered(message.offset)
            message.assignmentEpoch = partitions.values[index].epoch
            message.rewindGeneration = partitions.values[index].rewinds.count
            accepted.append(message)
        }
        statistics.messagesDelivered += accepted.count
        return accepted
    }

    /// The messages whose partition is still held by the assignment that delivered them.
    func stillAssigned(_ messages: [KafkaMessage]) -> [KafkaMessage] {
        messages.filter { message in
            partitions[TopicPartition(topic: message.topic, partition: message.partition)]?.accepts(message) ?? false
        }
    }

    /// Marks a message done; ignored when its partition was revoked since it was delivered.
    mutating func acknowledge(_ message: KafkaMessage) {
        let key = TopicPartition(topic: message.topic, partition: message.partition)
        guard let index = partitions.index(forKey: key), partitions.values[index].accepts(message) else { return }
        if partitions.values[index].tracker.acknowledge(message.offset) != nil {
            dirty.insert(key)
        }
    }

    /// Offsets that advanced since the last call (to `rd_kafka_offsets_store`).
    mutating func takeDirtyOffsets() -> [TopicPartitionOffset] {
        guard !dirty.isEmpty else { return [] }
        defer { dirty.removeAll(keepingCapacity: true) }
        return dirty.compactMap { key in
            guard let offset = partitions[key]?.tracker.committable else { return nil }
            return TopicPartitionOffset(topic: key.topic, partition: key.partition, offset: offset)
        }
    }

    /// Per-partition back-pressure. A partition is paused once it holds `share` buffered
    /// messages (its fair part of the buffer), or when the whole buffer is full; it is resumed once
    /// down to `share / 2` while the buffer is not full. So one busy partition cannot starve the
    /// others. Returns the partitions to pause and to resume in librdkafka, and the ones now held
    /// back (for which the buffer should wake the poll thread).
    mutating func balance(
        counts: [TopicPartition: Int], share: Int, full: Bool
    ) -> (pause: [TopicPartition], resume: [TopicPartition], held: [TopicPartition]) {
        var pause: [TopicPartition] = []
        var resume: [TopicPartition] = []
        var held: [TopicPartition] = []
        for (key, var state) in partitions {
            let buffered = counts[key] ?? 0
            if !state.pausedByBackPressure, full || buffered >= share {
                state.pausedByBackPressure = true
                if !state.userPaused { pause.append(key) }
            } else if state.pausedByBackPressure, !full, buffered <= share / 2 {
                state.pausedByBackPressure = false
                if !state.userPaused { resume.append(key) }
            }
            if state.pausedByBackPressure { held.append(key) }
            partitions[key] = state
        }
        if !pause.isEmpty { statistics.backPressurePauses += 1 }
        return (pause, resume, held)
    }

    /// Applies a user pause; returns whether librdkafka must pause the partition now.
    mutating func userPause(_ key: TopicPartition, until: ContinuousClock.Instant?) -> Bool {
        guard var state = partitions[key] else { return false }
        let wasPaused = state.isPaused
        state.userPaused = true
        state.resumeAt = until
        partitions[key] = state
        return !wasPaused
    }

    /// Pauses the message's partition and forgets deliveries from the message on, so they are
    /// delivered again; returns the offset to seek to, or nil when the message is stale.
    mutating func rewindAndPause(_ message: KafkaMessage, until: ContinuousClock.Instant?) -> Int64? {
        let key = TopicPartition(topic: message.topic, partition: message.partition)
        guard var state = partitions[key], state.accepts(message) else { return nil }
        state.tracker.rewind(to: message.offset)
        state.rewinds.append(message.offset)
        state.userPaused = true
        state.resumeAt = until
        partitions[key] = state
        return message.offset
    }

    /// Where fetching of each partition must continue: the offset after the last delivered one.
    func nextOffsets(_ keys: [TopicPartition]) -> [TopicPartitionOffset] {
        keys.compactMap { key in
            guard let highest = partitions[key]?.tracker.highestDelivered else { return nil }
            return TopicPartitionOffset(topic: key.topic, partition: key.partition, offset: highest + 1)
        }
    }

    /// Lifts a user pause; returns whether librdkafka must resume the partition now.
    mutating func userResume(_ key: TopicPartition) -> Bool {
        guard var state = partitions[key], state.userPaused else { return false }
        state.userPaused = false
        state.resumeAt = nil
        partitions[key] = state
        return !state.isPaused
    }

    /// User pauses that are due; lifts them and returns those to resume in librdkafka.
    mutating func dueResumes(now: ContinuousClock.Instant) -> [TopicPartition] {
        let due = partitions.filter { $0.value.userPaused && ($0.value.resumeAt.map { $0 <= now } ?? false) }
        return due.keys.filter { userResume($0) }
    }

    /// The earliest pending user-pause deadline.
    var nextResumeAt: ContinuousClock.Instant? {
        partitions.values.compactMap { $0.userPaused ? $0.resumeAt : nil }.min()
    }
}
