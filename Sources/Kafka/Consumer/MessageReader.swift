import CRdKafka
import Foundation
import Logging

/// Reads batches on the poll thread — from `rd_kafka_consumer_poll` or from one partition's
/// fetch queue with `rd_kafka_consume_batch_queue` — and copies each record into a
/// ``KafkaMessage``. Per-message errors are logged and counted, never thrown: the stream goes on.
struct MessageReader {
    let logger: Logger
    private var topicNames: [OpaquePointer: String] = [:]
    private var lastTopic: (handle: OpaquePointer, name: String)?
    /// Scratch array for `rd_kafka_consume_batch_queue`.
    private var slots: [UnsafeMutablePointer<rd_kafka_message_t>?]

    init(logger: Logger, maxBatch: Int) {
        self.logger = logger
        slots = Array(repeating: nil, count: max(1, maxBatch))
    }

    /// Appends to `messages` up to `limit` messages (at most the reader's `maxBatch`) that are
    /// ready in `queue`, without blocking. Returns the number of error events and how many entries
    /// librdkafka returned (messages and errors).
    mutating func read(queue: OpaquePointer, limit: Int, into messages: inout [KafkaMessage]) -> (
        errors: Int, returned: Int
    ) {
        let wanted = min(max(0, limit), slots.count)
        guard wanted > 0 else { return (0, 0) }
        let returned = slots.withUnsafeMutableBufferPointer { buffer in
            rd_kafka_consume_batch_queue(queue, 0, buffer.baseAddress, wanted)
        }
        guard returned > 0 else { return (0, 0) }
        var errors = 0
        for index in 0..<returned {
            guard let raw = slots[index] else { continue }
            slots[index] = nil
            if raw.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                if report(raw) { errors += 1 }
            } else {
                messages.append(convert(raw))
            }
            rd_kafka_message_destroy(raw)
        }
        return (errors, returned)
    }

    /// Blocks up to `timeoutMilliseconds` for the first message, then takes what is ready, up to
    /// `limit`. Returns the messages and the number of error events seen.
    mutating func read(rk: OpaquePointer, limit: Int, timeoutMilliseconds: Int32) -> ([KafkaMessage], Int) {
        var messages: [KafkaMessage] = []
        var errors = 0
        var timeout = timeoutMilliseconds
        while messages.count < limit, let raw = rd_kafka_consumer_poll(rk, timeout) {
            timeout = 0
            defer { rd_kafka_message_destroy(raw) }
            if raw.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                if report(raw) { errors += 1 }
                continue
            }
            messages.append(convert(raw))
        }
        return (messages, errors)
    }

    /// Logs a per-message or client error; returns false for the informational partition EOF.
    private func report(_ raw: UnsafeMutablePointer<rd_kafka_message_t>) -> Bool {
        let code = raw.pointee.err
        let topic = raw.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "-"
        if code == RD_KAFKA_RESP_ERR__PARTITION_EOF {
            logger.debug(
                "kafka consumer: end of partition",
                metadata: ["topic": "\(topic)", "partition": "\(raw.pointee.partition)"])
            return false
        }
        let detail = rd_kafka_message_errstr(raw).map { String(cString: $0) } ?? KafkaError.text(code)
        logger.warning(
            "kafka consumer: error event (stream continues)",
            metadata: [
                "topic": "\(topic)", "partition": "\(raw.pointee.partition)", "error": "\(detail)",
                "code": "\(code.rawValue)",
            ])
        return true
    }

    private mutating func convert(_ raw: UnsafeMutablePointer<rd_kafka_message_t>) -> KafkaMessage {
        let record = raw.pointee
        var topic = ""
        if let rkt = record.rkt {
            if let lastTopic, lastTopic.handle == rkt {
                topic = lastTopic.name
            } else if let cached = topicNames[rkt] {
                topic = cached
            } else {
                topic = String(cString: rd_kafka_topic_name(rkt))
                topicNames[rkt] = topic
            }
            lastTopic = (rkt, topic)
        }
        let key = record.key.map { Array(UnsafeRawBufferPointer(start: $0, count: record.key_len)) }
        let value = record.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: record.len)) }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let milliseconds = rd_kafka_message_timestamp(raw, &timestampType)
        let timestamp =
            timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
            ? nil : Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        return KafkaMessage(
            topic: topic, partition: record.partition, offset: record.offset,
            key: key, value: value, headers: headers(of: raw), timestamp: timestamp
        )
    }

    private func headers(of raw: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var list: OpaquePointer?
        guard rd_kafka_message_headers(raw, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        var result: [KafkaHeader] = []
        result.reserveCapacity(rd_kafka_header_cnt(list))
        var index = 0
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            let key = name.map { String(cString: $0) } ?? ""
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
            result.append(KafkaHeader(key: key, value: bytes))
            index += 1
        }
        return result
    }
}
