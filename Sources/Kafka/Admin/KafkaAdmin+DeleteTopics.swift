import CRdKafka

extension KafkaAdmin {
    /// Owns the `rd_kafka_DeleteTopic_t` objects of one request.
    private final class DeleteTopicList {
        var pointers: [OpaquePointer?] = []
        deinit {
            for pointer in pointers { if let pointer { rd_kafka_DeleteTopic_destroy(pointer) } }
        }
    }

    static func deleteTopicsBlocking(
        handle: RdKafkaHandle, names: [String], timeoutMilliseconds: Int32, bootstrap: String
    ) throws(KafkaError) {
        let list = DeleteTopicList()
        for name in names {
            guard let topic = rd_kafka_DeleteTopic_new(name) else {
                throw .admin(
                    operation: "delete topic \(name)", code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue,
                    message: "invalid topic name")
            }
            list.pointers.append(topic)
        }
        guard
            let request = AdminRequest(
                handle: handle, operation: RD_KAFKA_ADMIN_OP_DELETETOPICS, timeoutMilliseconds: timeoutMilliseconds)
        else {
            throw .clientCreation(message: "cannot create admin result queue")
        }
        list.pointers.withUnsafeMutableBufferPointer { buffer in
            rd_kafka_DeleteTopics(handle.pointer, buffer.baseAddress, buffer.count, request.options, request.queue)
        }
        guard let event = rd_kafka_queue_poll(request.queue, timeoutMilliseconds + 5_000) else {
            throw .timedOut(operation: "delete topics", message: "no answer from brokers \(bootstrap)")
        }
        defer { rd_kafka_event_destroy(event) }
        let eventError = rd_kafka_event_error(event)
        if eventError != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw roundTripError("delete topics", eventError, bootstrap: bootstrap)
        }
        guard let result = rd_kafka_event_DeleteTopics_result(event) else {
            throw .admin(operation: "delete topics", code: -1, message: "unexpected admin event")
        }
        var count = 0
        guard let results = rd_kafka_DeleteTopics_result_topics(result, &count) else { return }
        for index in 0..<count {
            guard let topicResult = results[index] else { continue }
            let code = rd_kafka_topic_result_error(topicResult)
            if code == RD_KAFKA_RESP_ERR_NO_ERROR || code == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART { continue }
            let name = rd_kafka_topic_result_name(topicResult).map { String(cString: $0) } ?? "?"
            let message =
                rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) } ?? KafkaError.text(code)
            throw roundTripError("delete topic \(name)", code, bootstrap: bootstrap).withMessage(message)
        }
    }
}
