import CRdKafka
import Logging

/// Sends records to Kafka; each ``send(_:)`` resumes when the broker acknowledges the record.
///
/// Idempotent by default (`enable.idempotence=true`), keys partitioned with murmur2 like the Java
/// client (`partitioner=murmur2_random`). A full local queue (`QUEUE_FULL`) is never surfaced: the
/// send waits while the dedicated thread serves delivery reports, then retries. Call ``close()``
/// to flush before shutdown; dropping the producer also drains it in the background.
public final class KafkaProducer: Sendable {
    private let core: ProducerCore

    /// Defaults applied when the configuration does not set them.
    public static let defaultProperties: [String: String] = [
        "enable.idempotence": "true",
        "partitioner": "murmur2_random",
        "log.connection.close": "false",
    ]

    /// Creates a producer; invalid properties raise ``KafkaError/configuration(property:message:)``.
    public init(config: KafkaConfig, logger: Logger = Logger(label: "driftless.kafka.producer")) throws {
        let handle = try RdKafkaHandle.make(
            type: RD_KAFKA_PRODUCER,
            config: config.withDefaults(Self.defaultProperties)
        ) { conf in
            rd_kafka_conf_set_events(conf, Int32(RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR))
        }
        core = ProducerCore(handle: handle, logger: logger)
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
        let id = try await enqueue(record)
        return try await awaitDelivery(id)
    }

    /// Sends records in order (records of one partition keep this order) and returns their
    /// delivery reports in the same order. All records are enqueued before any report is awaited,
    /// so a batch costs about one broker round trip. If a record cannot be enqueued, the records
    /// already enqueued are still awaited, then the error is thrown.
    public func send(_ records: [ProducerRecord]) async throws -> [DeliveryReport] {
        var ids: [UInt] = []
        ids.reserveCapacity(records.count)
        var enqueueError: (any Error)?
        for record in records {
            do {
                ids.append(try await enqueue(record))
            } catch {
                enqueueError = error
                break
            }
        }
        var reports: [DeliveryReport] = []
        reports.reserveCapacity(ids.count)
        var deliveryError: (any Error)?
        for id in ids {
            do {
                reports.append(try await awaitDelivery(id))
            } catch {
                deliveryError = deliveryError ?? error
            }
        }
        if let error = enqueueError ?? deliveryError { throw error }
        return reports
    }

    /// Enqueues one record, waiting out `QUEUE_FULL`; returns its delivery id.
    private func enqueue(_ record: ProducerRecord) async throws -> UInt {
        guard let id = core.table.withLock({ $0.register() }) else { throw KafkaError.closed }
        let headers = RdHeaders(record.headers)
        var backoff: Duration = .microseconds(200)
        while true {
            let code = produce(record, headers: headers, id: id)
            if code == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers.consume()
                return id
            }
            if code == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                if Task.isCancelled || core.table.withLock({ $0.isClosed }) {
                    core.table.withLock { $0.cancel(id) }
                    throw Task.isCancelled ? CancellationError() : KafkaError.closed
                }
                // The poll thread is freeing space by serving delivery reports; wait a moment.
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .milliseconds(5))
                continue
            }
            core.table.withLock { $0.cancel(id) }
            throw KafkaError.produce(topic: record.topic, code: code.rawValue, message: KafkaError.text(code))
        }
    }

    private func awaitDelivery(_ id: UInt) async throws -> DeliveryReport {
        try await withCheckedThrowingContinuation { continuation in
            core.table.withLock { $0.wait(id, continuation: continuation) }.run()
        }
    }

    /// Waits until every record sent so far has a delivery report, or throws
    /// ``KafkaError/timedOut(operation:message:)``.
    public func flush(timeout: Duration = .seconds(10)) async throws {
        let handle = core.handle
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        try await BlockingThread.run(name: "kafka-producer-flush") { () throws(KafkaError) in
            let code = rd_kafka_flush(handle.pointer, milliseconds)
            if code == RD_KAFKA_RESP_ERR__TIMED_OUT {
                throw .timedOut(operation: "flush", message: "\(rd_kafka_outq_len(handle.pointer)) records still outstanding")
            }
        }
    }

    /// Stops accepting records, waits up to `timeout` for outstanding deliveries, and stops the
    /// delivery thread. Records still undelivered then fail with an error.
    public func close(timeout: Duration = .seconds(10)) async {
        core.requestStop(timeout: timeout)
        await core.waitUntilFinished()
    }

    /// Number of sends still waiting for their delivery report.
    public var pendingDeliveries: Int { core.table.withLock { $0.pendingCount } }

    private func produce(_ record: ProducerRecord, headers: RdHeaders, id: UInt) -> rd_kafka_resp_err_t {
        let opaque = UnsafeMutableRawPointer(bitPattern: id)
        let partition = record.partition ?? -1
        return withOptionalBytes(record.key) { keyPointer, keyLength in
            withOptionalBytes(record.value) { valuePointer, valueLength in
                driftless_produce(
                    core.handle.pointer, record.topic, partition,
                    record.key == nil ? 0 : 1, keyPointer, keyLength,
                    record.value == nil ? 0 : 1, valuePointer, valueLength,
                    headers.pointer, opaque
                )
            }
        }
    }
}

/// Calls `body` with the bytes' address and length (nil/0 for a nil array).
func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawPointer?, Int) -> R) -> R {
    guard let bytes else { return body(nil, 0) }
    return bytes.withUnsafeBytes { body($0.baseAddress, $0.count) }
}

/// Owns an `rd_kafka_headers_t` until a successful produce hands it to librdkafka.
final class RdHeaders {
    private(set) var pointer: OpaquePointer?

    init(_ headers: [KafkaHeader]) {
        guard !headers.isEmpty, let list = rd_kafka_headers_new(headers.count) else {
            pointer = nil
            return
        }
        for header in headers {
            _ = withOptionalBytes(header.value) { value, length in
                rd_kafka_header_add(list, header.key, -1, value, length)
            }
        }
        pointer = list
    }

    /// librdkafka now owns the headers.
    func consume() { pointer = nil }

    deinit {
        if let pointer { rd_kafka_headers_destroy(pointer) }
    }
}
