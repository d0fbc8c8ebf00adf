import CRdKafka

/// The producer's librdkafka calls, so that `KafkaProducer` holds no C calls of its own.
extension RdKafkaHandle {
    /// Delivery reports and errors as events on the main queue (read by the delivery thread).
    static func enableProducerEvents(_ conf: OpaquePointer) {
        rd_kafka_conf_set_events(conf, Int32(RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR))
    }

    /// The error of the last failed call on this thread.
    static var lastError: rd_kafka_resp_err_t { rd_kafka_last_error() }

    /// Enqueues `record` on `topic` (a topic handle) with `headers` (librdkafka owns them when
    /// this returns no error) and `id` as the delivery report's opaque. Never blocks.
    func produce(_ record: ProducerRecord, topic: OpaquePointer, headers: OpaquePointer?, id: UInt)
        -> rd_kafka_resp_err_t
    {
        let opaque = UnsafeMutableRawPointer(bitPattern: id)
        let partition = record.partition ?? -1
        return withOptionalBytes(record.key) { keyPointer, keyLength in
            withOptionalBytes(record.value) { valuePointer, valueLength in
                driftless_produce_rkt(
                    pointer, topic, partition,
                    record.key == nil ? 0 : 1, keyPointer, keyLength,
                    record.value == nil ? 0 : 1, valuePointer, valueLength,
                    headers, opaque
                )
            }
        }
    }

    /// Waits (blocking: call from a dedicated thread) until every record has a delivery report;
    /// returns how many are still outstanding when `milliseconds` passed first, else nil.
    func flush(milliseconds: Int32) -> Int32? {
        rd_kafka_flush(pointer, milliseconds) == RD_KAFKA_RESP_ERR__TIMED_OUT ? rd_kafka_outq_len(pointer) : nil
    }

    /// Asks a broker for cluster metadata without topics (blocking: call from a dedicated thread).
    func requestMetadata(milliseconds: Int32) -> rd_kafka_resp_err_t {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let code = rd_kafka_metadata(pointer, 0, nil, &metadata, milliseconds)
        if let metadata { rd_kafka_metadata_destroy(metadata) }
        return code
    }

    /// Makes librdkafka raise a fabricated fatal error (tests).
    func raiseTestFatalError(reason: String) {
        _ = rd_kafka_test_fatal_error(pointer, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, reason)
    }
}
