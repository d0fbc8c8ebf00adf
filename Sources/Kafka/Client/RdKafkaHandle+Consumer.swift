import CRdKafka

/// The consumer's set-up calls, so that `KafkaConsumer` holds no C calls of its own.
extension RdKafkaHandle {
    /// Rebalance and error callbacks, with `opaque` (the `ConsumerCore`) as their context.
    static func installConsumerCallbacks(_ conf: OpaquePointer, opaque: UnsafeMutableRawPointer) {
        rd_kafka_conf_set_rebalance_cb(conf, consumerRebalanceCallback)
        rd_kafka_conf_set_error_cb(conf, consumerErrorCallback)
        rd_kafka_conf_set_opaque(conf, opaque)
    }

    /// Routes the main queue (rebalances, errors) to the consumer queue and subscribes to
    /// `topics`; returns librdkafka's answer.
    func subscribe(to topics: [String]) -> rd_kafka_resp_err_t {
        _ = rd_kafka_poll_set_consumer(pointer)
        let subscription = RdPartitionList(topics.map { TopicPartitionOffset(topic: $0, partition: -1, offset: -1001) })
        return rd_kafka_subscribe(pointer, subscription.pointer)
    }
}
