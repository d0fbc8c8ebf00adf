/// The consumer's shared state: per-partition trackers and flow (``PartitionFlow``), queued commands.
/// Mutated under a lock by the poll thread and by acknowledgements; its methods return what the poll
/// thread must do with librdkafka (outside the lock).
struct ConsumerState {
    struct Partition {
        var epoch: UInt64
        /// The partition's own fetch queue (not forwarded to the consumer queue); `nil` if
        /// librdkafka could not give it (then its messages arrive through the consumer queue).
        var queue: RdQueue?
        var tracker = OffsetTracker()
        /// Back-pressure and pauses: whether its fetch queue is read.
        var flow = PartitionFlow.flowing
        /// Offsets this partition was rewound to, in order; a message delivered before rewind `i`
        /// stays acknowledgeable only if it lies below every later rewind offset.
        var rewinds: [Int64] = []

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
    var lifecycle = ConsumerLifecycle.initial
    var statistics = KafkaConsumerStatistics()

    /// New partitions: fresh trackers with a new epoch, and their detached fetch queues.
    mutating func assign(_ assigned: [(TopicPartition, RdQueue?)]) {
        statistics.assignments += 1
        for (partition, queue) in assigned {
            partitions[partition] = Partition(epoch: nextEpoch, queue: queue)
            nextEpoch += 1
        }
        statistics.assignedPartitions = partitions.count
        statistics.assignment = partitions.keys.map(\.description).sorted()
    }

    /// Removes revoked partitions; returns their final committable offsets (to commit before
    /// giving them up, unless the assignment was lost) and their fetch queues (to stop signalling).
    mutating func revoke(_ revoked: [TopicPartition], lost: Bool) -> (
        offsets: [TopicPartitionOffset], queues: [RdQueue]
    ) {
        statistics.revocations += 1
        if lost { statistics.lostAssignments += 1 }
        var offsets: [TopicPartitionOffset] = []
        var queues: [RdQueue] = []
        for partition in revoked {
            guard let state = partitions.removeValue(forKey: partition) else { continue }
            if let offset = state.tracker.committable {
                offsets.append(
                    TopicPartitionOffset(topic: partition.topic, partition: partition.partition, offset: offset))
            }
            if let queue = state.queue { queues.append(queue) }
            dirty.remove(partition)
        }
        statistics.assignedPartitions = partitions.count
        statistics.assignment = partitions.keys.map(\.description).sorted()
        return (offsets, queues)
    }

    /// Assigned partitions paused by the application now.
    var pausedCount: Int {
        partitions.values.reduce(0) { count, partition in
            if case .paused = partition.flow { return count + 1 }
            return count
        }
    }

    /// Every partition's fetch queue (to stop their IO events at shutdown).
    var queues: [RdQueue] { partitions.values.compactMap(\.queue) }

    /// Records delivered messages in their trackers and stamps their epoch; drops messages of
    /// partitions no longer assigned.
    mutating func deliver(_ messages: [KafkaMessage]) -> [KafkaMessage] {
        var messages = messages
        deliver(&messages)
        return messages
    }

    /// In place (no per-message copies): stamps each message, removes those of partitions no
    /// longer assigned.
    mutating func deliver(_ messages: inout [KafkaMessage]) {
        var rejected = false
        // One lookup per run of messages of the same partition (a partition queue's batch is one run).
        var current: (partition: Int32, index: Dictionary<TopicPartition, Partition>.Index?)?
        var currentTopic = ""
        for position in messages.indices {
            let partition = messages[position].partition
            let index: Dictionary<TopicPartition, Partition>.Index?
            if let current, current.partition == partition, currentTopic == messages[position].topic {
                index = current.index
            } else {
                currentTopic = messages[position].topic
                index = partitions.index(forKey: TopicPartition(topic: currentTopic, partition: partition))
                current = (partition, index)
            }
            // Mutated in place: copying the partition out would copy its tracker's offsets (O(n)
            // per message).
            guard let index else {
                messages[position].assignmentEpoch = 0
                rejected = true
                continue
            }
            partitions.values[index].tracker.delivered(messages[position].offset)
            messages[position].assignmentEpoch = partitions.values[index].epoch
            messages[position].rewindGeneration = partitions.values[index].rewinds.count
        }
        // Epochs start at 1: 0 marks a message of a partition not assigned.
        if rejected { messages.removeAll { $0.assignmentEpoch == 0 } }
        statistics.messagesDelivered += messages.count
    }

    /// The messages whose partition is still held by the assignment that delivered them.
    func stillAssigned(_ messages: [KafkaMessage]) -> [KafkaMessage] {
        messages.filter { message in
            partitions[TopicPartition(topic: message.topic, partition: message.partition)]?.accepts(message) ?? false
        }
    }

    /// Marks a message done; ignored when its partition was revoked since it was delivered.
    /// Whether `message` belongs to a current assignment of its partition.
    func accepts(_ message: KafkaMessage) -> Bool {
        partitions[TopicPartition(topic: message.topic, partition: message.partition)]?.accepts(message) ?? false
    }

    mutating func acknowledge(_ message: KafkaMessage) {
        let key = TopicPartition(topic: message.topic, partition: message.partition)
        guard let index = partitions.index(forKey: key), partitions.values[index].accepts(message) else { return }
        if partitions.values[index].tracker.acknowledge(message.offset) != nil {
            dirty.insert(key)
        }
    }

    /// Marks messages done, looking each partition up once per run of its messages.
    mutating func acknowledge(_ messages: some Sequence<KafkaMessage>) {
        // Through the array's storage when there is one: iterating a generic sequence copies
        // (retains and releases) every message.
        let done: Void? = messages.withContiguousStorageIfAvailable { buffer in
            acknowledge(buffer)
        }
        if done == nil {
            let array = Array(messages)
            array.withUnsafeBufferPointer { acknowledge($0) }
        }
    }

    private mutating func acknowledge(_ messages: UnsafeBufferPointer<KafkaMessage>) {
        var current: (key: TopicPartition, index: Dictionary<TopicPartition, Partition>.Index?, advanced: Bool)?
        for position in messages.indices {
            if current == nil || current?.key.partition != messages[position].partition
                || current?.key.topic != messages[position].topic
            {
                if let current, current.advanced { dirty.insert(current.key) }
                let key = TopicPartition(topic: messages[position].topic, partition: messages[position].partition)
                current = (key, partitions.index(forKey: key), false)
            }
            guard let index = current?.index, partitions.values[index].accepts(messages[position]) else { continue }
            if partitions.values[index].tracker.acknowledge(messages[position].offset) != nil {
                current?.advanced = true
            }
        }
        if let current, current.advanced { dirty.insert(current.key) }
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

    /// What the poll thread reads next from the partitions' own fetch queues.
    struct ReadPlan {
        /// Partitions with room, their queue and how many messages to take at most.
        var reads: [(partition: TopicPartition, queue: RdQueue, limit: Int)] = []
        /// Partitions held back; the buffer wakes the poll thread once one is down to its threshold.
        var held: [TopicPartition: Int] = [:]
    }

    /// Per-partition back-pressure with hysteresis. A partition is held back (its fetch queue is
    /// not read) once it holds `share` buffered messages (its fair part of the buffer), and read
    /// again once down to `share / 2`; so one busy partition cannot starve the others, and the
    /// buffer never holds more than `share` × partitions ≤ capacity. Nothing is paused in
    /// librdkafka: prefetched messages stay in its queue. User-paused partitions are not read.
    mutating func plan(counts: [TopicPartition: Int], share: Int, free: Int, maxBatch: Int) -> ReadPlan {
        var plan = ReadPlan()
        var free = free
        for index in partitions.indices {
            let key = partitions.keys[index]
            guard let queue = partitions.values[index].queue else { continue }
            let buffered = counts[key] ?? 0
            switch partitions.values[index].flow.handle(.planningRead(buffered: buffered, share: share)) {
            case .read:
                let limit = min(share - buffered, maxBatch, free)
                guard limit > 0 else {
                    plan.held[key] = share / 2
                    continue
                }
                free -= limit
                plan.reads.append((key, queue, limit))
            case .hold(let newly):
                if newly { statistics.backPressurePauses += 1 }
                plan.held[key] = share / 2
            case .none, .pause, .pauseAndRewind, .resume:
                continue  // paused (the others are not answers to planning)
            }
        }
        return plan
    }

    /// What the poll thread does in librdkafka after a pause, a resume or a rewind.
    enum FlowChange: Equatable {
        case none
        case pause(TopicPartition)
        /// Pause; drop what is buffered from `offset` on and seek there, so it is delivered again.
        case rewind(TopicPartition, offset: Int64)
        /// Resume (and seek to where delivery continues).
        case resume(TopicPartition)
    }

    /// What the partition's flow decides for `event` (nothing when it is not assigned).
    private mutating func flow(_ key: TopicPartition, _ event: PartitionFlow.Event) -> PartitionFlow.Action {
        guard let index = partitions.index(forKey: key) else { return .none }
        return partitions.values[index].flow.handle(event)
    }

    /// Applies a user pause (pausing again only moves its deadline).
    mutating func userPause(_ key: TopicPartition, until: ContinuousClock.Instant?) -> FlowChange {
        flow(key, .pause(until: until)) == .pause ? .pause(key) : .none
    }

    /// Pauses the message's partition and forgets deliveries from the message on, so they are
    /// delivered again from its offset; nothing to do when the message is stale.
    mutating func rewindAndPause(_ message: KafkaMessage, until: ContinuousClock.Instant?) -> FlowChange {
        let key = TopicPartition(topic: message.topic, partition: message.partition)
        guard let index = partitions.index(forKey: key), partitions.values[index].accepts(message) else { return .none }
        guard partitions.values[index].flow.handle(.rewind(until: until)) == .pauseAndRewind else { return .none }
        partitions.values[index].tracker.rewind(to: message.offset)
        partitions.values[index].rewinds.append(message.offset)
        return .rewind(key, offset: message.offset)
    }

    /// Where fetching of each partition must continue: the offset after the last delivered one.
    func nextOffsets(_ keys: [TopicPartition]) -> [TopicPartitionOffset] {
        keys.compactMap { key in
            guard let highest = partitions[key]?.tracker.highestDelivered else { return nil }
            return TopicPartitionOffset(topic: key.topic, partition: key.partition, offset: highest + 1)
        }
    }

    /// Lifts a user pause.
    mutating func userResume(_ key: TopicPartition) -> FlowChange {
        flow(key, .resume) == .resume ? .resume(key) : .none
    }

    /// User pauses that are due; lifts them and returns those to resume in librdkafka.
    mutating func dueResumes(now: ContinuousClock.Instant) -> [TopicPartition] {
        var due: [TopicPartition] = []
        for index in partitions.indices where partitions.values[index].flow.handle(.clock(now: now)) == .resume {
            due.append(partitions.keys[index])
        }
        return due
    }

    /// The earliest pending user-pause deadline.
    var nextResumeAt: ContinuousClock.Instant? {
        partitions.values.compactMap(\.flow.resumeAt).min()
    }
}
