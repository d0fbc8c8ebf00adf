import CRdKafka
import Foundation
import Logging
import ServiceLifecycle

/// A consumer-group member with at-least-once delivery.
///
/// A dedicated thread polls librdkafka and fills a bounded buffer that ``messages`` hands out in
/// batches. Offsets are stored only for acknowledged messages (`enable.auto.offset.store=false`):
/// per partition, the committed position advances past an offset only when it and every earlier
/// delivered message are acknowledged. Stored offsets are committed every
/// `auto.commit.interval.ms`, on ``commit()``, before partitions are revoked, and on ``close()``.
///
/// At-least-once window: messages handed out but not yet acknowledged when the process stops, a
/// partition is revoked or the consumer is evicted are delivered again (to this or another member).
/// Acknowledged messages are not redelivered after a clean revoke/close; after a crash, those
/// acknowledged since the last commit (at most `auto.commit.interval.ms` worth) are.
///
/// A `Service`: in a `ServiceGroup`, ``run()`` lasts until graceful shutdown (or cancellation), then
/// closes — commits, leaves the group, ends ``messages``. A stage that drains its batch in hand
/// before the consumer may close owns its consumer and calls ``close()`` itself instead.
public final class KafkaConsumer: Service, CustomStringConvertible, Sendable {
    private let core: ConsumerCore

    /// Defaults applied when the configuration does not set them.
    public static let defaultProperties: [String: String] = [
        "partition.assignment.strategy": "cooperative-sticky",
        "enable.auto.offset.store": "false",
        "enable.auto.commit": "true",
        "auto.commit.interval.ms": "1000",
        "auto.offset.reset": "earliest",
        "enable.partition.eof": "false",
        // A resumed partition waits for the broker's in-flight long-poll fetch to return; keep it
        // short so back-pressure pauses cost little.
        "fetch.wait.max.ms": "100",
        // Each assigned partition's fetch queue is read on its own (back-pressure holds a partition
        // back there instead of pausing it), so librdkafka applies these prefetch limits per
        // partition rather than to one shared queue: librdkafka's defaults (100,000 messages /
        // 64 MB) would allow 64 MB per partition. Fetching a partition stops at either limit.
        "queued.min.messages": "20000",
        "queued.max.messages.kbytes": "16384",
        "log.connection.close": "false",
    ]

    /// Joins consumer group `groupID` and subscribes to `topics`. The group join happens in the
    /// background; messages arrive once partitions are assigned.
    public init(
        config: KafkaConfig,
        groupID: String,
        topics: [String],
        options: KafkaConsumerOptions = KafkaConsumerOptions(),
        logger: Logger = Logger(label: "driftless.kafka.consumer")
    ) throws {
        var properties = config.withDefaults(Self.defaultProperties)
        properties["group.id"] = groupID
        // At-least-once depends on storing only acknowledged offsets: not overridable.
        properties["enable.auto.offset.store"] = "false"
        let core = try ConsumerCore(options: options, logger: logger)
        let opaque = Unmanaged.passUnretained(core).toOpaque()
        let handle = try RdKafkaHandle.make(type: RD_KAFKA_CONSUMER, config: properties) { conf in
            RdKafkaHandle.installConsumerCallbacks(conf, opaque: opaque)
        }
        let code = handle.subscribe(to: topics)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.admin(
                operation: "subscribe to \(topics)", code: code.rawValue, message: KafkaError.text(code))
        }
        self.core = core
        core.state.withLock { $0.statistics.bufferCapacity = options.bufferCapacity }
        core.start(handle: handle)
    }

    deinit {
        core.requestClose()
    }

    /// Batches of messages, in partition order, from the bounded buffer. Ends after ``close()``.
    public var messages: KafkaMessageBatches {
        KafkaMessageBatches(buffer: core.buffer, maxBatch: core.options.maxBatchSize)
    }

    /// Marks `message` done. Its offset becomes committable once every earlier message of its
    /// partition is acknowledged too. Acknowledging a message of a partition revoked since it was
    /// delivered does nothing (its new owner processes it again).
    public func acknowledge(_ message: KafkaMessage) {
        core.state.withLock { $0.acknowledge(message) }
    }

    /// Whether `message` is still this consumer's to finish: its partition has not been revoked
    /// (or rewound past it) since it was delivered. A stage with slow side effects checks this
    /// before each one, so work the new owner repeats is not also done here.
    public func owns(_ message: KafkaMessage) -> Bool {
        core.state.withLock { $0.accepts(message) }
    }

    /// Marks several messages done.
    public func acknowledge(_ messages: some Sequence<KafkaMessage>) {
        core.state.withLock { $0.acknowledge(messages) }
    }

    /// Commits the acknowledged offsets now (synchronously, on the poll thread).
    public func commit() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            if !core.enqueue(.commit(continuation)) {
                continuation.resume(throwing: KafkaError.closed)
            }
        }
    }

    /// Stops fetching `topic`/`partition` until `date` (then the poll thread resumes it), or until
    /// ``resume(topic:partition:)``. Group membership is unaffected. Has no effect on a partition
    /// not assigned to this consumer.
    public func pause(topic: String, partition: Int32, until date: Date? = nil) {
        let deadline = date.map { ContinuousClock.now + .seconds(max(0, $0.timeIntervalSinceNow)) }
        _ = core.enqueue(.pause(TopicPartition(topic: topic, partition: partition), until: deadline))
    }

    /// Pauses `message`'s partition until `date` and delivers it — and everything after it in
    /// that partition — again once resumed (for a delayed-retry stage that meets a record not yet
    /// due). Messages after it that are still buffered are dropped; acknowledgements of the
    /// earlier copies at or after its offset are ignored. Has no effect if the partition was
    /// revoked since the message was delivered.
    public func pause(redeliveringFrom message: KafkaMessage, until date: Date) {
        let deadline = ContinuousClock.now + .seconds(max(0, date.timeIntervalSinceNow))
        _ = core.enqueue(.rewindAndPause(message, until: deadline))
    }

    /// Resumes a partition paused with ``pause(topic:partition:until:)``.
    public func resume(topic: String, partition: Int32) {
        _ = core.enqueue(.resume(TopicPartition(topic: topic, partition: partition)))
    }

    /// Commits acknowledged offsets, leaves the group and ends ``messages``. Closing again only
    /// waits for the first close to finish.
    public func close() async {
        core.requestClose()
        await core.waitUntilClosed()
    }

    /// Runs until graceful shutdown or cancellation, then closes (``close()``); returns at once
    /// when the consumer is closed some other way.
    public func run() async throws {
        let core = core
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await core.waitUntilClosed()
            } onGracefulShutdown: {
                core.requestClose()
            }
        } onCancel: {
            core.requestClose()
        }
    }

    public var description: String { "kafka-consumer" }

    /// A snapshot of the consumer's counters.
    public var statistics: KafkaConsumerStatistics {
        var statistics = core.state.withLock { state in
            var statistics = state.statistics
            statistics.pausedPartitions = state.pausedCount
            return statistics
        }
        statistics.bufferedMessages = core.buffer.count
        statistics.bufferHighWaterMark = core.buffer.highWaterMark
        return statistics
    }
}

/// The ``KafkaConsumer/messages`` sequence: batches of messages from the bounded buffer.
public struct KafkaMessageBatches: AsyncSequence, Sendable {
    public typealias Element = [KafkaMessage]
    let buffer: MessageBuffer
    let maxBatch: Int

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(buffer: buffer, maxBatch: maxBatch)
    }

    /// Iterates batches; `nil` once the consumer is closed and the buffer is empty.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: MessageBuffer
        let maxBatch: Int

        public mutating func next() async -> [KafkaMessage]? {
            await buffer.next(maxMessages: maxBatch)
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async -> [KafkaMessage]? {
            await buffer.next(maxMessages: maxBatch)
        }
    }
}
