import CRdKafka

/// Owns an `rd_kafka_conf_t` until it is handed to `rd_kafka_new` (which takes ownership on success).
final class RdKafkaConf {
    private var pointer: OpaquePointer?

    /// Builds a librdkafka configuration; the first rejected property raises
    /// ``KafkaError/configuration(property:message:)``. Properties are applied in name order so the
    /// error is deterministic.
    init(_ config: KafkaConfig) throws(KafkaError) {
        guard let conf = rd_kafka_conf_new() else {
            throw .clientCreation(message: "rd_kafka_conf_new returned NULL")
        }
        pointer = conf
        for (name, value) in config.properties.sorted(by: { $0.key < $1.key }) {
            var errorBuffer = [CChar](repeating: 0, count: 512)
            let result = rd_kafka_conf_set(conf, name, value, &errorBuffer, errorBuffer.count)
            if result != RD_KAFKA_CONF_OK {
                let message = String(
                    decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                throw .configuration(property: name, message: message)
            }
        }
    }

    /// The configuration pointer while still owned; nil after ``consume()``.
    var raw: OpaquePointer? { pointer }

    /// Gives up ownership (after a successful `rd_kafka_new`).
    func consume() { pointer = nil }

    deinit {
        if let pointer { rd_kafka_conf_destroy(pointer) }
    }
}
