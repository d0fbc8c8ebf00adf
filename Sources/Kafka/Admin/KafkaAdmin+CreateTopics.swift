import CRdKafka

extension KafkaAdmin {
    static func createTopicsBlocking(
        handle: RdKafkaHandle, topics: [TopicSpec], timeoutMilliseconds: Int32, bootstrap: String
    ) throws(KafkaError) {
        let newTopics = AdminObjects { rd_kafka_NewTopic_destroy($0) }
        for spec in topics {
            var errorBuffer = [CChar](repeating: 0, count: 512)
            guard
                let topic = rd_kafka_NewTopic_new(
                    spec.name, spec.partitions, spec.replicationFactor, &errorBuffer, errorBuffer.count)
            else {
                let message = String(
                    decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                throw .admin(
                    operation: "create topic \(spec.name)", code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue,
                    message: message)
            }
            newTopics.pointers.append(topic)
            for (name, value) in spec.config.sorted(by: { $0.key < $1.key }) {
                let code = rd_kafka_NewTopic_set_config(topic, name, value)
                if code != RD_KAFKA_RESP_ERR_NO_ERROR {
                    throw .configuration(property: name, message: "topic \(spec.name): \(KafkaError.text(code))")
                }
            }
        }
        guard
            let request = AdminRequest(
                handle: handle, operation: RD_KAFKA_ADMIN_OP_CREATETOPICS, timeoutMilliseconds: timeoutMilliseconds)
        else {
            throw .clientCreation(message: "cannot create admin result queue")
        }
        newTopics.pointers.withUnsafeMutableBufferPointer { buffer in
            rd_kafka_CreateTopics(handle.pointer, buffer.baseAddress, buffer.count, request.options, request.queue)
        }
        try awaitTopicResults(
            request, operation: "create topics", tolerated: RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS,
            timeoutMilliseconds: timeoutMilliseconds, bootstrap: bootstrap,
            result: { rd_kafka_event_CreateTopics_result($0) }, topics: { rd_kafka_CreateTopics_result_topics($0, $1) })
    }
}

extension KafkaError {
    /// The same error with a more specific message where the case carries one.
    func withMessage(_ message: String) -> KafkaError {
        switch self {
        case let .admin(operation, code, _): return .admin(operation: operation, code: code, message: message)
        default: return self
        }
    }
}
