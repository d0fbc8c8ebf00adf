import CRdKafka
import Foundation
import Logging
import Synchronization

/// The producer's handle, its delivery table and the dedicated thread that serves delivery reports.
///
/// The thread holds the core alive until shutdown finishes; then the last reference frees the
/// librdkafka handle.
final class ProducerCore: Sendable {
    let handle: RdKafkaHandle
    let table = Mutex(DeliveryTable())
    let topics: TopicHandles
    let logger: Logger
    /// Set when librdkafka reports a fatal error; the producer then refuses new records.
    let fatal = FatalErrorLatch()
    /// Running → draining → finished (``ProducerLifecycle``).
    private let lifecycle = Mutex(ProducerLifecycle())

    init(handle: RdKafkaHandle, logger: Logger) {
        self.handle = handle
        self.topics = TopicHandles(client: handle)
        self.logger = logger
    }

    /// Starts the delivery-report thread.
    func start() {
        let thread = Thread { [self] in self.run() }
        thread.name = "kafka-producer-poll"
        thread.start()
    }

    /// Asks the thread to drain outstanding sends for at most `timeout`, then stop. A second
    /// request changes nothing (the first deadline holds).
    func requestStop(timeout: Duration) {
        switch lifecycle.withLock({ $0.requestClose(deadline: .now + timeout) }) {
        case .stopAccepting: table.withLock { $0.close() }
        case .none: break
        }
    }

    /// Whether no close was requested yet.
    var isRunning: Bool { lifecycle.withLock { $0.isRunning } }

    /// Waits until the thread has stopped.
    func waitUntilFinished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            switch lifecycle.withLock({ $0.waitForFinish(continuation) }) {
            case .resumeNow: continuation.resume()
            case .wait: break
            }
        }
    }

    private func run() {
        guard let queue = rd_kafka_queue_get_main(handle.pointer) else {
            logger.error("kafka producer: no main queue; delivery reports cannot be served")
            finish()
            return
        }
        defer { rd_kafka_queue_destroy(queue) }
        var topicCache: (handle: OpaquePointer, name: String)?
        polling: while true {
            switch lifecycle.withLock({ $0.pollAction() }) {
            case .poll: break
            case .stop: break polling
            case .checkDrained:
                let outstanding = Int(rd_kafka_outq_len(handle.pointer)) + table.withLock { $0.pendingCount }
                switch lifecycle.withLock({ $0.drainStep(outstanding: outstanding, now: .now) }) {
                case .poll: break
                case .stop: break polling
                case .purge:
                    // Give up on what is left: purged messages get a delivery report with an error.
                    _ = rd_kafka_purge(handle.pointer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
                }
            }
            // Returns as soon as an event arrives; the timeout only bounds shutdown checks.
            guard let event = rd_kafka_queue_poll(queue, 50) else { continue }
            serve(event, topicCache: &topicCache)
            rd_kafka_event_destroy(event)
        }
        let leftovers = table.withLock { $0.failAll(with: fatal.error ?? .closed) }
        for action in leftovers { action.run() }
        fatal.finish()
        finish()
    }

    /// `topicCache`: the last topic handle seen in a delivery report and its name (poll thread only;
    /// topic handles live as long as the producer).
    private func serve(_ event: OpaquePointer, topicCache: inout (handle: OpaquePointer, name: String)?) {
        switch rd_kafka_event_type(event) {
        case RD_KAFKA_EVENT_DR:
            // One lock for the whole event, applied straight from librdkafka's messages; the topic
            // name is decoded once per topic handle.
            var actions: [DeliveryTable.Action] = []
            table.withLock { table in
                while let message = rd_kafka_event_message_next(event) {
                    let id = UInt(bitPattern: message.pointee._private)
                    var topic = ""
                    if let rkt = message.pointee.rkt {
                        if let lastTopic = topicCache, lastTopic.handle == rkt {
                            topic = lastTopic.name
                        } else {
                            topic = String(cString: rd_kafka_topic_name(rkt))
                            topicCache = (rkt, topic)
                        }
                    }
                    let action: DeliveryTable.Action
                    if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                        action = table.complete(
                            id,
                            with: .success(
                                DeliveryReport(
                                    topic: topic, partition: message.pointee.partition, offset: message.pointee.offset))
                        )
                    } else if let fatalError = fatal.error {
                        // After a fatal error every outstanding record fails (purged or `_FATAL`).
                        action = table.complete(id, with: .failure(fatalError))
                    } else {
                        let code = message.pointee.err
                        action = table.complete(
                            id,
                            with: .failure(.delivery(topic: topic, code: code.rawValue, message: KafkaError.text(code)))
                        )
                    }
                    if case .resume = action { actions.append(action) }
                }
            }
            for action in actions { action.run() }
        case RD_KAFKA_EVENT_ERROR:
            let code = rd_kafka_event_error(event)
            let text = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? KafkaError.text(code)
            if rd_kafka_event_error_is_fatal(event) != 0 {
                var buffer = [CChar](repeating: 0, count: 512)
                let underlying = rd_kafka_fatal_error(handle.pointer, &buffer, buffer.count)
                let reason = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                let message = reason.isEmpty ? text : "\(reason) (\(KafkaError.text(underlying)))"
                logger.critical("kafka producer fatal error: it will not send again", metadata: ["error": "\(message)"])
                fatal.set(.fatal(message: message))
                // Fail what is queued and in flight now (their delivery reports carry the fatal error).
                _ = rd_kafka_purge(handle.pointer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
            } else {
                logger.warning("kafka producer error", metadata: ["error": "\(text)"])
            }
        default:
            break
        }
    }

    private func finish() {
        let waiters = lifecycle.withLock { $0.finish() }
        for waiter in waiters { waiter.resume() }
    }
}
