import CRdKafka
import Foundation
import Logging
import Synchronization

/// Owns a consumer queue handle (`rd_kafka_queue_t`) and keeps its client alive while it exists.
final class RdQueue: @unchecked Sendable {
    let pointer: OpaquePointer
    private let handle: RdKafkaHandle

    init?(consumerOf handle: RdKafkaHandle) {
        guard let queue = rd_kafka_queue_get_consumer(handle.pointer) else { return nil }
        self.pointer = queue
        self.handle = handle
    }

    deinit {
        rd_kafka_queue_destroy(pointer)
    }
}

/// Wakes the poll thread out of a blocking `rd_kafka_consumer_poll` (via `rd_kafka_queue_yield`).
final class PollWaker: Sendable {
    private let queue = Mutex<RdQueue?>(nil)

    func install(_ rdQueue: RdQueue?) {
        queue.withLock { $0 = rdQueue }
    }

    /// `rd_kafka_queue_yield` only signals a condition variable, so it is called under this lock:
    /// that guarantees the queue is not destroyed concurrently.
    func wake() {
        queue.withLock { rdQueue in
            if let rdQueue { rd_kafka_queue_yield(rdQueue.pointer) }
        }
    }
}

/// The consumer's state, bounded buffer and dedicated poll thread. Every librdkafka call of the
/// consumer (poll, store, commit, pause, close, rebalance handling) runs on that thread.
final class ConsumerCore: Sendable {
    let state = Mutex(ConsumerState())
    let buffer: MessageBuffer
    let waker: PollWaker
    let options: KafkaConsumerOptions
    let logger: Logger

    init(options: KafkaConsumerOptions, logger: Logger) {
        let waker = PollWaker()
        self.waker = waker
        self.options = options
        self.logger = logger
        buffer = MessageBuffer(capacity: options.bufferCapacity) { waker.wake() }
    }

    /// Starts the poll thread; it keeps `handle` and this core alive until it has closed the client.
    func start(handle: RdKafkaHandle) {
        let thread = Thread { [self] in
            self.run(handle: handle)
        }
        thread.name = "kafka-consumer-poll"
        thread.start()
    }

    /// Queues a command for the poll thread and wakes it.
    func enqueue(_ command: ConsumerState.Command) -> Bool {
        let accepted = state.withLock { state -> Bool in
            guard !state.closing else { return false }
            state.commands.append(command)
            return true
        }
        if accepted { waker.wake() }
        return accepted
    }

    /// Asks the poll thread to commit, close the client and end the message stream.
    func requestClose() {
        state.withLock { $0.closing = true }
        waker.wake()
    }

    /// Waits until the poll thread has closed the client.
    func waitUntilClosed() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.finished { return true }
                state.closeWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    // MARK: Poll thread

    private func run(handle: RdKafkaHandle) {
        let rk = handle.pointer
        waker.install(RdQueue(consumerOf: handle))
        var reader = MessageReader(logger: logger)
        var held: [KafkaMessage] = []
        while true {
            let (commands, closing) = state.withLock { state in
                defer { state.commands.removeAll() }
                return (state.commands, state.closing)
            }
            if closing { break }
            execute(commands, rk: rk)
            storeOffsets(rk: rk)
            let now = ContinuousClock.now
            let due = state.withLock { $0.dueResumes(now: now) }
            setPaused(due, paused: false, rk: rk)

            if !held.isEmpty, buffer.freeSpace >= held.count {
                // Skip what belongs to partitions revoked while it was held.
                buffer.push(state.withLock { $0.stillAssigned(held) })
                held.removeAll()
            }
            applyBackPressure(rk: rk, holding: !held.isEmpty)

            let room = buffer.freeSpace
            let limit = held.isEmpty ? max(1, min(options.maxBatchSize, room)) : 1
            let timeout = pollTimeoutMilliseconds(now: now)
            let (messages, errors) = reader.read(rk: rk, limit: limit, timeoutMilliseconds: timeout)
            let accepted = state.withLock { state -> [KafkaMessage] in
                state.statistics.errors += errors
                return state.deliver(messages)
            }
            guard !accepted.isEmpty else { continue }
            if held.isEmpty, accepted.count <= room {
                buffer.push(accepted)
            } else {
                // Fetched although the buffer is full (e.g. a partition assigned a moment ago):
                // keep it here; the next round pauses everything until there is room.
                held.append(contentsOf: accepted)
            }
        }
        shutdown(rk: rk)
    }

    private func pollTimeoutMilliseconds(now: ContinuousClock.Instant) -> Int32 {
        var timeout = options.pollTimeout
        if let next = state.withLock({ $0.nextResumeAt }) {
            timeout = max(.zero, min(timeout, next - now))
        }
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, milliseconds))
    }

    /// Pauses partitions that hold their share of the buffer (all of them when it is full) and
    /// resumes drained ones; the poll thread keeps polling either way, so the group membership
    /// stays alive.
    private func applyBackPressure(rk: OpaquePointer, holding: Bool) {
        let counts = buffer.partitionCounts()
        let full = holding || counts.values.reduce(0, +) >= buffer.capacity
        let decision = state.withLock { state in
            let share = max(1, buffer.capacity / max(1, state.partitions.count))
            return (state.balance(counts: counts, share: share, full: full), share)
        }
        let ((toPause, toResume, held), share) = decision
        setPaused(toPause, paused: true, rk: rk)
        setPaused(toResume, paused: false, rk: rk)
        buffer.wakeWhenBelow(Dictionary(uniqueKeysWithValues: held.map { ($0, share / 2) }))
    }

    private func execute(_ commands: [ConsumerState.Command], rk: OpaquePointer) {
        for command in commands {
            switch command {
            case let .pause(partition, until):
                if state.withLock({ $0.userPause(partition, until: until) }) {
                    setPaused([partition], paused: true, rk: rk)
                }
            case let .rewindAndPause(message, until):
                guard let offset = state.withLock({ $0.rewindAndPause(message, until: until) }) else { continue }
                let key = TopicPartition(topic: message.topic, partition: message.partition)
                setPaused([key], paused: true, rk: rk)
                buffer.purge([key], from: offset)
                seek([TopicPartitionOffset(topic: key.topic, partition: key.partition, offset: offset)], rk: rk)
            case let .resume(partition):
                if state.withLock({ $0.userResume(partition) }) {
                    setPaused([partition], paused: false, rk: rk)
                }
            case let .commit(continuation):
                storeOffsets(rk: rk)
                let code = rd_kafka_commit(rk, nil, 0)
                if code == RD_KAFKA_RESP_ERR_NO_ERROR || code == RD_KAFKA_RESP_ERR__NO_OFFSET {
                    if code == RD_KAFKA_RESP_ERR_NO_ERROR { state.withLock { $0.statistics.commits += 1 } }
                    continuation.resume()
                } else {
                    state.withLock { $0.statistics.commitFailures += 1 }
                    continuation.resume(throwing: KafkaError.commit(code: code.rawValue, message: KafkaError.text(code)))
                }
            }
        }
    }

    func storeOffsets(rk: OpaquePointer) {
        let offsets = state.withLock { $0.takeDirtyOffsets() }
        guard !offsets.isEmpty else { return }
        let list = RdPartitionList(offsets)
        let code = rd_kafka_offsets_store(rk, list.pointer)
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("kafka consumer: storing offsets failed", metadata: ["error": "\(KafkaError.text(code))"])
        }
    }

    func setPaused(_ partitions: [TopicPartition], paused: Bool, rk: OpaquePointer) {
        guard !partitions.isEmpty else { return }
        let list = RdPartitionList(partitions.map { TopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: -1001) })
        let code = paused ? rd_kafka_pause_partitions(rk, list.pointer) : rd_kafka_resume_partitions(rk, list.pointer)
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("kafka consumer: pause/resume failed", metadata: ["error": "\(KafkaError.text(code))"])
        }
        if !paused {
            // librdkafka 2.0.2 only notices a resume on its broker thread's next idle wake-up (up
            // to ~1 s). Seeking to where delivery continues makes it fetch at once (and honours a
            // rewind). Partitions that delivered nothing yet keep librdkafka's own position.
            seek(state.withLock { $0.nextOffsets(partitions) }, rk: rk)
        }
    }

    /// Asynchronous seek (does not block the poll thread).
    func seek(_ offsets: [TopicPartitionOffset], rk: OpaquePointer) {
        guard !offsets.isEmpty else { return }
        let list = RdPartitionList(offsets)
        if let error = rd_kafka_seek_partitions(rk, list.pointer, 0) {
            var text = [CChar](repeating: 0, count: 256)
            let code = driftless_error_take_code(error, &text, text.count)
            logger.warning("kafka consumer: seek failed", metadata: ["error": "\(KafkaError.text(code))"])
        }
    }

    private func shutdown(rk: OpaquePointer) {
        storeOffsets(rk: rk)
        let code = rd_kafka_commit(rk, nil, 0)
        if code != RD_KAFKA_RESP_ERR_NO_ERROR && code != RD_KAFKA_RESP_ERR__NO_OFFSET {
            state.withLock { $0.statistics.commitFailures += 1 }
            logger.warning("kafka consumer: final commit failed", metadata: ["error": "\(KafkaError.text(code))"])
        }
        // Triggers the revoke callback (which commits again and unassigns) and leaves the group.
        let closeCode = rd_kafka_consumer_close(rk)
        if closeCode != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("kafka consumer: close failed", metadata: ["error": "\(KafkaError.text(closeCode))"])
        }
        buffer.finish()
        waker.install(nil)
        let (commands, waiters) = state.withLock { state in
            state.finished = true
            defer {
                state.commands.removeAll()
                state.closeWaiters.removeAll()
            }
            return (state.commands, state.closeWaiters)
        }
        for case let .commit(continuation) in commands {
            continuation.resume(throwing: KafkaError.closed)
        }
        for waiter in waiters { waiter.resume() }
    }
}
