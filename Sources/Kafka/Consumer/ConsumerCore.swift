import CRdKafka
import Foundation
import Logging
import Synchronization

/// The consumer's state, bounded buffer and dedicated poll thread. Every librdkafka call of the
/// consumer (poll, store, commit, pause, close, rebalance handling) runs on that thread.
///
/// Each assigned partition's fetch queue is detached from the consumer queue and read on its own
/// (`rd_kafka_consume_batch_queue`) while the partition has room in the buffer; the consumer queue
/// then carries only rebalance and error events. So back-pressure never pauses a partition in
/// librdkafka — pausing would discard its prefetched messages and cost a refetch on resume.
final class ConsumerCore: Sendable {
    // A Mutex, not an actor: the poll thread (not async) and every acknowledgement touch it per batch (hot path).
    let state = Mutex(ConsumerState())
    let buffer: MessageBuffer
    let waker: WakePipe
    let options: KafkaConsumerOptions
    let logger: Logger
    /// The client, for the partition queues the rebalance callback creates; set by ``start(handle:)``,
    /// cleared at shutdown.
    let client = Mutex<RdKafkaHandle?>(nil)

    init(options: KafkaConsumerOptions, logger: Logger) throws(KafkaError) {
        guard let waker = WakePipe() else {
            throw .clientCreation(message: "cannot create the consumer's wake-up pipe (no file descriptors left?)")
        }
        self.waker = waker
        self.options = options
        self.logger = logger
        buffer = MessageBuffer(capacity: options.bufferCapacity) { waker.wake() }
    }

    /// Starts the poll thread; it keeps `handle` and this core alive until it has closed the client.
    func start(handle: RdKafkaHandle) {
        client.withLock { $0 = handle }
        let thread = Thread { [self] in
            self.run(handle: handle)
        }
        thread.name = "kafka-consumer-poll"
        thread.start()
    }

    /// Queues a command for the poll thread and wakes it.
    func enqueue(_ command: ConsumerState.Command) -> Bool {
        let accepted = state.withLock { state -> Bool in
            guard !state.lifecycle.isClosing else { return false }
            state.commands.append(command)
            return true
        }
        if accepted { waker.wake() }
        return accepted
    }

    /// Asks the poll thread to commit, close the client and end the message stream.
    func requestClose() {
        state.withLock { $0.lifecycle.requestClose() }
        waker.wake()
    }

    /// Waits until the poll thread has closed the client.
    func waitUntilClosed() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let action = state.withLock { $0.lifecycle.waitForClose(continuation) }
            if action == .resumeNow { continuation.resume() }
        }
    }

    // MARK: Poll thread

    private func run(handle: RdKafkaHandle) {
        let rk = handle.pointer
        let consumerQueue = RdQueue.consumer(of: handle)
        consumerQueue?.signal(waker)
        var reader = MessageReader(logger: logger, maxBatch: options.maxBatchSize)
        var held: [KafkaMessage] = []
        var rotation = 0
        while true {
            let (commands, closing) = state.withLock { state in
                defer { state.commands.removeAll() }
                return (state.commands, state.lifecycle.isClosing)
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

            // The consumer queue: rebalance callbacks and errors are served here. Messages arrive
            // here only for a partition whose fetch queue could not be detached.
            let room = buffer.freeSpace
            let limit = held.isEmpty ? max(1, min(options.maxBatchSize, room)) : 1
            var (accepted, errors) = reader.read(rk: rk, limit: limit, timeoutMilliseconds: 0)
            let polled = accepted.count
            state.withLock { state in
                state.statistics.errors += errors
                state.deliver(&accepted)
            }
            if !accepted.isEmpty {
                if held.isEmpty, accepted.count <= room {
                    buffer.push(accepted)
                } else {
                    // Fetched although the buffer is full: keep it here until there is room.
                    held.append(contentsOf: accepted)
                }
            }

            let more = readPartitions(reader: &reader, holding: !held.isEmpty, rotation: &rotation)
            if !more && polled == 0 && errors == 0 {
                waker.wait(timeoutMilliseconds: pollTimeoutMilliseconds(now: now))
            }
        }
        shutdown(rk: rk, consumerQueue: consumerQueue)
    }

    /// Reads the partitions that have room from their own fetch queues (without blocking) and
    /// buffers what they give, at most `maxBatchSize` messages per call (so a batch is handed out
    /// whole, without copying), starting at a different partition each time. Returns whether a
    /// queue may hold more right now.
    private func readPartitions(reader: inout MessageReader, holding: Bool, rotation: inout Int) -> Bool {
        let counts = buffer.partitionCounts()
        let free = holding ? 0 : buffer.freeSpace
        let plan = state.withLock { state in
            let share = max(1, buffer.capacity / max(1, state.partitions.count))
            return state.plan(counts: counts, share: share, free: free, maxBatch: options.maxBatchSize)
        }
        // Wake-up thresholds for held partitions (any read when holding consumer-queue messages).
        buffer.wakeWhenBelow(holding ? plan.held.mapValues { _ in Int.max } : plan.held)
        guard !plan.reads.isEmpty else { return false }
        let maxBatch = options.maxBatchSize
        var more = false
        var batch: [KafkaMessage] = []
        batch.reserveCapacity(min(maxBatch, plan.reads.reduce(0) { $0 + $1.limit }))
        var errors = 0
        rotation &+= 1
        let first = Int(UInt(bitPattern: rotation) % UInt(plan.reads.count))
        for step in 0..<plan.reads.count {
            let read = plan.reads[(first + step) % plan.reads.count]
            let wanted = min(read.limit, maxBatch - batch.count)
            if wanted <= 0 {
                more = true
                break
            }
            let result = reader.read(queue: read.queue.pointer, limit: wanted, into: &batch)
            if result.returned >= wanted { more = true }
            errors += result.errors
        }
        state.withLock { state in
            state.statistics.errors += errors
            state.deliver(&batch)
        }
        buffer.push(batch)
        return more
    }

    private func pollTimeoutMilliseconds(now: ContinuousClock.Instant) -> Int32 {
        var timeout = options.pollTimeout
        if let next = state.withLock({ $0.nextResumeAt }) {
            timeout = max(.zero, min(timeout, next - now))
        }
        return timeout.librdkafkaMilliseconds
    }

    private func execute(_ commands: [ConsumerState.Command], rk: OpaquePointer) {
        for command in commands {
            switch command {
            case let .pause(partition, until):
                perform(state.withLock { $0.userPause(partition, until: until) }, rk: rk)
            case let .rewindAndPause(message, until):
                perform(state.withLock { $0.rewindAndPause(message, until: until) }, rk: rk)
            case let .resume(partition):
                perform(state.withLock { $0.userResume(partition) }, rk: rk)
            case let .commit(continuation):
                storeOffsets(rk: rk)
                let code = rd_kafka_commit(rk, nil, 0)
                if code == RD_KAFKA_RESP_ERR_NO_ERROR || code == RD_KAFKA_RESP_ERR__NO_OFFSET {
                    if code == RD_KAFKA_RESP_ERR_NO_ERROR { state.withLock { $0.statistics.commits += 1 } }
                    continuation.resume()
                } else {
                    state.withLock { $0.statistics.commitFailures += 1 }
                    continuation.resume(
                        throwing: KafkaError.commit(code: code.rawValue, message: KafkaError.text(code)))
                }
            }
        }
    }

    /// Carries out in librdkafka (and the buffer) what the partition's flow decided.
    private func perform(_ change: ConsumerState.FlowChange, rk: OpaquePointer) {
        switch change {
        case .none:
            return
        case .pause(let key):
            setPaused([key], paused: true, rk: rk)
        case .rewind(let key, let offset):
            setPaused([key], paused: true, rk: rk)
            buffer.purge([key], from: offset)
            seek([TopicPartitionOffset(topic: key.topic, partition: key.partition, offset: offset)], rk: rk)
        case .resume(let key):
            setPaused([key], paused: false, rk: rk)
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
        let list = RdPartitionList(
            partitions.map { TopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: -1001) })
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

    private func shutdown(rk: OpaquePointer, consumerQueue: RdQueue?) {
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
        // librdkafka must not write to the wake-up pipe once it may be closed.
        consumerQueue?.stopSignalling()
        for queue in state.withLock({ $0.queues }) { queue.stopSignalling() }
        let handle = client.withLock { client -> RdKafkaHandle? in
            defer { client = nil }
            return client
        }
        if let handle, state.withLock({ $0.statistics.assignments == 0 }) {
            // librdkafka < 2.3.0 asserts (aborting the process) when a cooperative-sticky consumer
            // that never received an assignment is destroyed (confluentinc/librdkafka#4312, fixed
            // by #4381; Debian ships 2.0.2). Such a handle has left its group and is kept, not destroyed.
            UndestroyedHandles.keep(handle)
            logger.debug("kafka consumer closed before its first assignment: handle kept (librdkafka#4312)")
        }
        buffer.finish()
        let (commands, waiters) = state.withLock { state in
            defer { state.commands.removeAll() }
            return (state.commands, state.lifecycle.finish())
        }
        for case let .commit(continuation) in commands {
            continuation.resume(throwing: KafkaError.closed)
        }
        for waiter in waiters { waiter.resume() }
    }
}
