import CRdKafka
import Logging
import ServiceLifecycle

/// Sends records to Kafka; each ``send(_:)`` resumes when the broker acknowledges the record.
///
/// Idempotent by default (`enable.idempotence=true`), keys partitioned with murmur2 like the Java
/// client (`partitioner=murmur2_random`). A full local queue (`QUEUE_FULL`) is never surfaced: the
/// send waits while the dedicated thread serves delivery reports, then retries.
///
/// A `Service`: in a `ServiceGroup`, ``run()`` lasts until graceful shutdown, then flushes and
/// closes. The group shuts its services down in reverse order, so list the producer before the
/// parts that send to it: it closes after they stopped. Outside a group call ``close(timeout:)``;
/// dropping the producer also drains it in the background. librdkafka's blocking calls (poll,
/// flush, metadata) run on dedicated threads, never on the cooperative pool.
public final class KafkaProducer: Service, CustomStringConvertible, Sendable {
    private let core: ProducerCore
    /// How long a graceful shutdown waits for outstanding deliveries: to flush, then to close.
    private let shutdownTimeout: Duration

    /// Defaults applied when the configuration does not set them.
    public static let defaultProperties: [String: String] = [
        "enable.idempotence": "true",
        "partitioner": "murmur2_random",
        "log.connection.close": "false",
    ]

    /// Creates a producer; invalid properties raise ``KafkaError/configuration(property:message:)``.
    /// `shutdownTimeout`: how long ``run()``'s graceful shutdown (and ``shutdown()``) waits for
    /// outstanding deliveries, to flush and then to close.
    public init(
        config: KafkaConfig, logger: Logger = Logger(label: "driftless.kafka.producer"),
        shutdownTimeout: Duration = .seconds(10)
    ) throws {
        let handle = try RdKafkaHandle.make(
            type: RD_KAFKA_PRODUCER,
            config: config.withDefaults(Self.defaultProperties)
        ) { conf in
            RdKafkaHandle.enableProducerEvents(conf)
        }
        core = ProducerCore(handle: handle, logger: logger)
        self.shutdownTimeout = shutdownTimeout
        core.start()
    }

    deinit {
        core.requestStop(timeout: .seconds(10))
    }

    /// Sends one record and returns where the broker stored it.
    ///
    /// Throws ``KafkaError/produce(topic:code:message:)`` when the record cannot be enqueued (e.g.
    /// unknown partition, record too large), ``KafkaError/delivery(topic:code:message:)`` when the
    /// broker did not acknowledge it within `message.timeout.ms`, ``KafkaError/closed`` after
    /// ``close()``.
    public func send(_ record: ProducerRecord) async throws -> DeliveryReport {
        let reports = try await send([record])
        guard let report = reports.first else { throw KafkaError.closed }
        return report
    }

    /// Sends records in order (records of one partition keep this order) and returns their
    /// delivery reports in the same order. All records are enqueued before any report is awaited,
    /// so a batch costs about one broker round trip. If a record cannot be enqueued, the records
    /// already enqueued are still awaited, then the error is thrown.
    ///
    /// To overlap batches (enqueue the next one while this one is being acknowledged) use
    /// ``enqueue(_:)`` and ``KafkaPendingDeliveries/reports()``.
    public func send(_ records: [ProducerRecord]) async throws -> [DeliveryReport] {
        try await enqueue(records).reports()
    }

    /// Hands `records` to librdkafka in order and returns as soon as all of them are enqueued —
    /// before the broker acknowledges them. Their order is fixed here: records of one partition
    /// are written in enqueue order, also relative to records enqueued by earlier calls (with the
    /// default idempotent producer, retries keep that order too). Await the acknowledgements with
    /// ``KafkaPendingDeliveries/reports()``.
    ///
    /// This lets a stage enqueue batch N+1 while batch N is in flight and still acknowledge its
    /// input only after the output is acknowledged (at-least-once): enqueue batches one after the
    /// other from one task, and acknowledge a batch's input when its `reports()` returns.
    ///
    /// `QUEUE_FULL` is waited out. If a record cannot be enqueued, the records of this call already
    /// enqueued are awaited, then the error is thrown (``KafkaError/produce(topic:code:message:)``,
    /// ``KafkaError/closed``, or `CancellationError`).
    public func enqueue(_ records: [ProducerRecord]) async throws -> KafkaPendingDeliveries {
        if let fatal = core.fatal.error { throw fatal }
        guard let ids = core.table.withLock({ $0.register(count: records.count) }) else { throw KafkaError.closed }
        var enqueued = 0
        do {
            var lastTopic: (name: String, handle: OpaquePointer)?
            for record in records {
                let topicHandle: OpaquePointer
                if let lastTopic, lastTopic.name == record.topic {
                    topicHandle = lastTopic.handle
                } else {
                    guard let created = core.topics.handle(for: record.topic) else {
                        throw KafkaError.produce(
                            topic: record.topic, code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue,
                            message: KafkaError.text(RdKafkaHandle.lastError))
                    }
                    topicHandle = created
                    lastTopic = (record.topic, created)
                }
                let id = ids.lowerBound + UInt(enqueued)
                // Fast path without an async call per record; `QUEUE_FULL` and errors take the slow one.
                if record.headers.isEmpty {
                    if core.handle.produce(record, topic: topicHandle, headers: nil, id: id)
                        == RD_KAFKA_RESP_ERR_NO_ERROR
                    {
                        enqueued += 1
                        continue
                    }
                } else if let list = RdHeaders.makeList(record.headers) {
                    if core.handle.produce(record, topic: topicHandle, headers: list, id: id)
                        == RD_KAFKA_RESP_ERR_NO_ERROR
                    {
                        enqueued += 1  // librdkafka owns the list now
                        continue
                    }
                    RdHeaders.destroy(list)
                }
                try await enqueue(record, topic: topicHandle, id: id)
                enqueued += 1
            }
        } catch {
            let done = ids.lowerBound..<(ids.lowerBound + UInt(enqueued))
            core.table.withLock { $0.cancel(done.upperBound..<ids.upperBound) }
            _ = try? await KafkaPendingDeliveries(core: core, ids: done).reports()
            throw error
        }
        return KafkaPendingDeliveries(core: core, ids: ids)
    }

    /// Enqueues one record under delivery id `id`, waiting out `QUEUE_FULL`.
    private func enqueue(_ record: ProducerRecord, topic: OpaquePointer, id: UInt) async throws {
        let headers = record.headers.isEmpty ? nil : RdHeaders(record.headers)
        var backoff: Duration = .microseconds(200)
        while true {
            let code = core.handle.produce(record, topic: topic, headers: headers?.pointer, id: id)
            if code == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers?.consume()
                return
            }
            if code == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                if Task.isCancelled { throw CancellationError() }
                if core.table.withLock({ $0.isClosed }) { throw KafkaError.closed }
                // The poll thread is freeing space by serving delivery reports; wait a moment.
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .milliseconds(5))
                continue
            }
            if code == RD_KAFKA_RESP_ERR__FATAL {
                throw core.fatal.error ?? KafkaError.fatal(message: KafkaError.text(code))
            }
            throw KafkaError.produce(topic: record.topic, code: code.rawValue, message: KafkaError.text(code))
        }
    }

    /// Waits until every record sent so far has a delivery report, or throws
    /// ``KafkaError/timedOut(operation:message:)``.
    public func flush(timeout: Duration = .seconds(10)) async throws {
        let handle = core.handle
        let milliseconds = timeout.librdkafkaMilliseconds
        try await BlockingThread.run(name: "kafka-producer-flush") { () throws(KafkaError) in
            if let outstanding = handle.flush(milliseconds: milliseconds) {
                throw .timedOut(operation: "flush", message: "\(outstanding) records still outstanding")
            }
        }
    }

    /// Stops accepting records, waits up to `timeout` for outstanding deliveries, and stops the
    /// delivery thread. Records still undelivered then fail with an error. Closing again (or after
    /// ``shutdown()``) only waits for the first close to finish.
    public func close(timeout: Duration = .seconds(10)) async {
        core.requestStop(timeout: timeout)
        await core.waitUntilFinished()
    }

    /// Runs until graceful shutdown, then ``shutdown()``: sends still coming in until then are
    /// served. Cancelled (the group is cancelled, not shut down gracefully) it returns without
    /// closing, so parts still draining can send; the owner closes afterwards (``shutdown()``).
    public func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return
        }
        await shutdown()
    }

    /// Flushes (waits for every record sent so far, logging what is still outstanding after the
    /// shutdown timeout), then closes. A no-op apart from waiting when the producer is already
    /// closing or closed.
    public func shutdown() async {
        if core.isRunning {
            do {
                try await flush(timeout: shutdownTimeout)
            } catch {
                core.logger.warning("producer flush incomplete", metadata: ["error": "\(error)"])
            }
        }
        await close(timeout: shutdownTimeout)
    }

    /// The fatal error this producer hit, if any: it then refuses every record
    /// (``KafkaError/fatal(message:)``) and must be replaced.
    public var fatalError: KafkaError? { core.fatal.error }

    /// Waits until the producer hits a fatal error and returns it; nil when the producer was
    /// closed without one, or the waiting task was cancelled.
    public func waitForFatalError() async -> KafkaError? {
        await core.fatal.wait()
    }

    /// Asks a broker for cluster metadata (no topics) within `timeout`: whether the cluster answers
    /// this producer right now. Runs on a dedicated thread. Throws
    /// ``KafkaError/timedOut(operation:message:)`` or ``KafkaError/admin(operation:code:message:)``.
    public func probe(timeout: Duration) async throws {
        let handle = core.handle
        let milliseconds = timeout.librdkafkaMilliseconds
        try await BlockingThread.run(name: "kafka-producer-probe") { () throws(KafkaError) in
            let code = handle.requestMetadata(milliseconds: milliseconds)
            if code == RD_KAFKA_RESP_ERR__TIMED_OUT {
                throw .timedOut(operation: "metadata probe", message: "no broker answered within \(timeout)")
            }
            if code != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw .admin(operation: "metadata probe", code: code.rawValue, message: KafkaError.text(code))
            }
        }
    }

    /// Makes librdkafka raise a fabricated fatal error (`rd_kafka_test_fatal_error`), for tests of
    /// fatal-error handling.
    @_spi(Testing)
    public func triggerFatalErrorForTesting(reason: String = "fatal error injected by a test") {
        core.handle.raiseTestFatalError(reason: reason)
    }

    public var description: String { "kafka-producer" }

    /// Number of sends still waiting for their delivery report.
    public var pendingDeliveries: Int { core.table.withLock { $0.pendingCount } }
}
