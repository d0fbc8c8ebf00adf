import CRdKafka

/// Owns one `rd_kafka_t` (producer or consumer) and destroys it in `deinit`.
///
/// librdkafka handles are thread-safe, hence `@unchecked Sendable`. Blocking calls on it are made
/// only from dedicated threads, never from Swift's cooperative pool.
final class RdKafkaHandle: @unchecked Sendable {
    /// The `rd_kafka_t *`.
    let pointer: OpaquePointer

    private init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// Creates a client of `type` from `config`; `configure` may register callbacks on the
    /// `rd_kafka_conf_t` before the handle is created.
    static func make(
        type: rd_kafka_type_t,
        config: KafkaConfig,
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws(KafkaError) -> RdKafkaHandle {
        let conf = try RdKafkaConf(config)
        guard let raw = conf.raw else { throw .clientCreation(message: "configuration already consumed") }
        rd_kafka_conf_set_log_cb(raw, librdkafkaLogCallback)
        configure(raw)
        var errorBuffer = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, raw, &errorBuffer, errorBuffer.count) else {
            let message = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .clientCreation(message: message)
        }
        conf.consume()
        return RdKafkaHandle(pointer: handle)
    }

    deinit {
        rd_kafka_destroy(pointer)
    }
}

/// A topic, partition and offset as plain Swift values.
struct TopicPartitionOffset: Sendable, Hashable {
    var topic: String
    var partition: Int32
    var offset: Int64
    var error: rd_kafka_resp_err_t = RD_KAFKA_RESP_ERR_NO_ERROR
}

/// A partition identity used as a dictionary key.
struct TopicPartition: Sendable, Hashable, CustomStringConvertible {
    var topic: String
    var partition: Int32
    var description: String { "\(topic)[\(partition)]" }
}

/// Owns an `rd_kafka_topic_partition_list_t` built from Swift values.
final class RdPartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(_ entries: [TopicPartitionOffset]) {
        pointer = rd_kafka_topic_partition_list_new(Int32(max(entries.count, 1)))
        for entry in entries {
            if let element = rd_kafka_topic_partition_list_add(pointer, entry.topic, entry.partition) {
                element.pointee.offset = entry.offset
            }
        }
    }

    /// Reads the list back into Swift values.
    var entries: [TopicPartitionOffset] { RdPartitionList.read(pointer) }

    /// Reads a list owned by librdkafka (e.g. the one passed to the rebalance callback).
    static func read(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> [TopicPartitionOffset] {
        let count = Int(list.pointee.cnt)
        guard count > 0, let elements = list.pointee.elems else { return [] }
        return (0..<count).map { index in
            let element = elements[index]
            return TopicPartitionOffset(
                topic: element.topic.map { String(cString: $0) } ?? "",
                partition: element.partition,
                offset: element.offset,
                error: element.err
            )
        }
    }

    deinit {
        rd_kafka_topic_partition_list_destroy(pointer)
    }
}
