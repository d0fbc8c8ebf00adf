import CRdKafka

extension KafkaAdmin {
    /// Waits for the answer to a topic request sent on `request` and throws the first per-topic error
    /// other than `tolerated` (e.g. TOPIC_ALREADY_EXISTS for a create). `result` and `topics` are the
    /// operation's accessors (`rd_kafka_event_CreateTopics_result` / `rd_kafka_CreateTopics_result_topics`, …).
    static func awaitTopicResults(
        _ request: AdminRequest, operation: String, tolerated: rd_kafka_resp_err_t, timeoutMilliseconds: Int32,
        bootstrap: String, result: (OpaquePointer?) -> OpaquePointer?,
        topics: (OpaquePointer?, UnsafeMutablePointer<Int>?) -> UnsafeMutablePointer<OpaquePointer?>?
    ) throws(KafkaError) {
        // The request itself is bounded by the request timeout; allow a little more for the reply.
        guard let event = rd_kafka_queue_poll(request.queue, timeoutMilliseconds + 5_000) else {
            throw .timedOut(operation: operation, message: "no answer from brokers \(bootstrap)")
        }
        defer { rd_kafka_event_destroy(event) }
        let eventError = rd_kafka_event_error(event)
        if eventError != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw roundTripError(operation, eventError, bootstrap: bootstrap)
        }
        guard let answer = result(event) else {
            throw .admin(operation: operation, code: -1, message: "unexpected admin event")
        }
        var count = 0
        guard let results = topics(answer, &count) else { return }
        for index in 0..<count {
            guard let topicResult = results[index] else { continue }
            let code = rd_kafka_topic_result_error(topicResult)
            if code == RD_KAFKA_RESP_ERR_NO_ERROR || code == tolerated { continue }
            let name = rd_kafka_topic_result_name(topicResult).map { String(cString: $0) } ?? "?"
            let message =
                rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) } ?? KafkaError.text(code)
            throw roundTripError("\(operation): \(name)", code, bootstrap: bootstrap).withMessage(message)
        }
    }
}
