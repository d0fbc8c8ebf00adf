import Synchronization

/// The bounded hand-off between the consumer's poll thread and the application.
///
/// The poll thread only pushes when ``freeSpace`` allows (otherwise it holds the partition back:
/// its messages wait in librdkafka's fetch queue, nothing is paused in librdkafka), so the buffered
/// message count never exceeds `capacity`. The application takes merged batches.
final class MessageBuffer: Sendable {
    private struct State {
        var batches: [[KafkaMessage]] = []
        var head = 0
        /// Messages of `batches[head]` already taken (a batch larger than a read is taken in parts).
        var headOffset = 0
        var count = 0
        var highWaterMark = 0
        var finished = false
        var waiter: CheckedContinuation<[KafkaMessage]?, Never>?
        /// Most messages the waiting reader takes at once.
        var waiterLimit = Int.max
        /// Buffered messages per partition.
        var perPartition: [TopicPartition: Int] = [:]
        /// Paused partitions and the count at or below which the poll thread wants to hear.
        var wakeBelow: [TopicPartition: Int] = [:]

        /// Counts per partition, one dictionary update per run of messages of the same partition.
        mutating func tally(_ messages: [KafkaMessage], sign: Int) {
            var index = messages.startIndex
            while index < messages.endIndex {
                let first = messages[index]
                var end = index + 1
                while end < messages.endIndex, messages[end].partition == first.partition,
                    messages[end].topic == first.topic
                {
                    end += 1
                }
                let key = TopicPartition(topic: first.topic, partition: first.partition)
                let value = (perPartition[key] ?? 0) + sign * (end - index)
                perPartition[key] = value > 0 ? value : nil
                index = end
            }
        }
    }

    /// Maximum number of buffered messages.
    let capacity: Int
    private let state = Mutex(State())
    private let onDrained: @Sendable () -> Void

    /// `onDrained` runs (outside the lock) when a reader takes messages while a partition the
    /// poll thread watches (``wakeWhenBelow(_:)``) is at or below its threshold.
    init(capacity: Int, onDrained: @escaping @Sendable () -> Void) {
        self.capacity = max(1, capacity)
        self.onDrained = onDrained
    }

    /// Messages that can still be pushed.
    var freeSpace: Int { state.withLock { capacity - $0.count } }

    /// Messages buffered now.
    var count: Int { state.withLock { $0.count } }

    /// The most messages ever buffered at once.
    var highWaterMark: Int { state.withLock { $0.highWaterMark } }

    /// Adds a batch (poll thread). Returns false once finished.
    @discardableResult
    func push(_ batch: [KafkaMessage]) -> Bool {
        guard !batch.isEmpty else { return true }
        let (accepted, waiter, handOff) = state.withLock {
            state -> (Bool, CheckedContinuation<[KafkaMessage]?, Never>?, Int) in
            guard !state.finished else { return (false, nil, 0) }
            if let waiter = state.waiter {
                state.waiter = nil
                // Hand it straight to the waiting reader (up to its limit); that part never sat in the buffer.
                state.highWaterMark = max(state.highWaterMark, batch.count)
                if batch.count > state.waiterLimit {
                    let rest = Array(batch[state.waiterLimit...])
                    state.batches.append(rest)
                    state.count += rest.count
                    state.tally(rest, sign: 1)
                }
                return (true, waiter, state.waiterLimit)
            }
            state.batches.append(batch)
            state.count += batch.count
            state.tally(batch, sign: 1)
            state.highWaterMark = max(state.highWaterMark, state.count)
            return (true, nil, 0)
        }
        guard let waiter else { return accepted }
        waiter.resume(returning: batch.count > handOff ? Array(batch.prefix(handOff)) : batch)
        return accepted
    }

    /// Buffered messages per partition (for per-partition back-pressure).
    func partitionCounts() -> [TopicPartition: Int] { state.withLock { $0.perPartition } }

    /// Asks for ``onDrained`` after a read once a watched partition is at or below its threshold
    /// (replaces the previous watch list).
    func wakeWhenBelow(_ thresholds: [TopicPartition: Int]) {
        state.withLock { $0.wakeBelow = thresholds }
    }

    /// Takes the next batches, merged up to `maxMessages`; `nil` when finished and empty.
    func next(maxMessages: Int) async -> [KafkaMessage]? {
        let (batch, wake) = state.withLock { state -> ([KafkaMessage]?, Bool) in
            guard state.head < state.batches.count else { return (nil, false) }
            return Self.take(&state, maxMessages: maxMessages)
        }
        if wake { onDrained() }
        if let batch { return batch }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[KafkaMessage]?, Never>) in
                let (ready, wake) = state.withLock { state -> ([KafkaMessage]??, Bool) in
                    if state.head < state.batches.count {
                        let (batch, wake) = Self.take(&state, maxMessages: maxMessages)
                        return (.some(batch), wake)
                    }
                    if state.finished || Task.isCancelled { return (.some(nil), false) }
                    if let previous = state.waiter {
                        // Only one reader at a time; a second concurrent reader ends the first.
                        previous.resume(returning: nil)
                    }
                    state.waiter = continuation
                    state.waiterLimit = maxMessages
                    return (nil, false)
                }
                if wake { onDrained() }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<[KafkaMessage]?, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Drops buffered messages of `partitions` (revoked, or rewound to `offset`); returns how many.
    @discardableResult
    func purge(_ partitions: Set<TopicPartition>, from offset: Int64 = .min) -> Int {
        guard !partitions.isEmpty else { return 0 }
        return state.withLock { state in
            var removed = 0
            var kept: [[KafkaMessage]] = []
            if state.headOffset > 0, state.head < state.batches.count {
                state.batches[state.head] = Array(state.batches[state.head].dropFirst(state.headOffset))
                state.headOffset = 0
            }
            for batch in state.batches[state.head...] {
                let filtered = batch.filter {
                    $0.offset < offset || !partitions.contains(TopicPartition(topic: $0.topic, partition: $0.partition))
                }
                if filtered.count != batch.count {
                    state.tally(
                        batch.filter {
                            $0.offset >= offset
                                && partitions.contains(TopicPartition(topic: $0.topic, partition: $0.partition))
                        }, sign: -1)
                }
                removed += batch.count - filtered.count
                if !filtered.isEmpty { kept.append(filtered) }
            }
            state.batches = kept
            state.head = 0
            state.count -= removed
            return removed
        }
    }

    /// Ends the sequence once the buffered batches are read.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<[KafkaMessage]?, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    private static func take(_ state: inout State, maxMessages: Int) -> ([KafkaMessage]?, Bool) {
        var result: [KafkaMessage]
        let first = state.batches[state.head].count
        if state.headOffset == 0, first <= maxMessages {
            result = state.batches[state.head]
            state.batches[state.head] = []
            state.head += 1
        } else {
            // Only part of a large batch: the rest stays for the next read.
            let end = state.headOffset + min(first - state.headOffset, max(1, maxMessages))
            result = Array(state.batches[state.head][state.headOffset..<end])
            state.headOffset = end
            if end == first {
                state.batches[state.head] = []
                state.head += 1
                state.headOffset = 0
            }
        }
        while state.headOffset == 0, state.head < state.batches.count,
            result.count + state.batches[state.head].count <= maxMessages
        {
            result.append(contentsOf: state.batches[state.head])
            state.batches[state.head] = []
            state.head += 1
        }
        if state.head == state.batches.count {
            state.batches.removeAll(keepingCapacity: true)
            state.head = 0
        } else if state.head > 64 {
            state.batches.removeFirst(state.head)
            state.head = 0
        }
        state.count -= result.count
        state.tally(result, sign: -1)
        var wake = false
        if !state.wakeBelow.isEmpty,
            state.wakeBelow.contains(where: { key, threshold in (state.perPartition[key] ?? 0) <= threshold })
        {
            state.wakeBelow = [:]
            wake = true
        }
        return (result, wake)
    }
}
