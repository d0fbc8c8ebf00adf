import CRdKafka

extension KafkaAdmin {
    static func deleteTopicsBlocking(
        handle: RdKafkaHandle, names: [String], timeoutMilliseconds: Int32, bootstrap: String
    ) throws(KafkaError) {
        let list = AdminObjects { rd_kafka_DeleteTopic_destroy($0) }
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
        try awaitTopicResults(
            request, operation: "delete topics", tolerated: RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
            timeoutMilliseconds: timeoutMilliseconds, bootstrap: bootstrap,
            result: { rd_kafka_event_DeleteTopics_result($0) }, topics: { rd_kafka_DeleteTopics_result_topics($0, $1) })
    }
}
