import CRdKafka
import Logging

/// librdkafka's rebalance callback; runs on the poll thread inside `rd_kafka_consumer_poll` or
/// `rd_kafka_consumer_close`. The opaque is the (unretained) ``ConsumerCore``, which the poll
/// thread keeps alive.
let consumerRebalanceCallback:
    @convention(c) (
        OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
        UnsafeMutableRawPointer?
    ) -> Void = { rk, code, list, opaque in
        guard let rk, let list, let opaque else { return }
        Unmanaged<ConsumerCore>.fromOpaque(opaque).takeUnretainedValue().rebalance(rk: rk, code: code, list: list)
    }

/// librdkafka's error callback (client-level errors such as "all brokers down"); runs on the poll
/// thread. Errors are logged and counted; librdkafka keeps retrying, the stream goes on.
let consumerErrorCallback:
    @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
        rk, code, reason, opaque in
        guard let rk, let opaque else { return }
        let core = Unmanaged<ConsumerCore>.fromOpaque(opaque).takeUnretainedValue()
        var text = reason.map { String(cString: $0) } ?? KafkaError.text(rd_kafka_resp_err_t(rawValue: code))
        core.state.withLock { $0.statistics.errors += 1 }
        let fatal = code == RD_KAFKA_RESP_ERR__FATAL.rawValue
        if fatal {
            var buffer = [CChar](repeating: 0, count: 512)
            let underlying = rd_kafka_fatal_error(rk, &buffer, buffer.count)
            text =
                "\(KafkaError.text(underlying)): "
                + String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        core.logger.log(
            level: fatal ? .critical : .warning, "kafka consumer: client error (librdkafka retries)",
            metadata: [
                "error": "\(text)", "code": "\(code)",
            ])
    }

extension ConsumerCore {
    /// Assigns or revokes partitions for both the cooperative and the eager protocol. Before
    /// giving partitions up it commits, synchronously, everything acknowledged on them.
    func rebalance(
        rk: OpaquePointer, code: rd_kafka_resp_err_t, list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>
    ) {
        let cooperative = rd_kafka_rebalance_protocol(rk).map { String(cString: $0) } == "COOPERATIVE"
        let partitions = RdPartitionList.read(list).map { TopicPartition(topic: $0.topic, partition: $0.partition) }
        switch code {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            // Detach each partition's fetch queue before librdkafka starts fetching into it.
            let handle = client.withLock { $0 }
            let assigned = partitions.map { partition -> (TopicPartition, RdQueue?) in
                let queue = handle.flatMap {
                    RdQueue.detachedPartition(of: $0, topic: partition.topic, partition: partition.partition)
                }
                queue?.signal(waker)
                return (partition, queue)
            }
            state.withLock { $0.assign(assigned) }
            let result: rd_kafka_resp_err_t
            if cooperative {
                result = driftless_error_take_code(rd_kafka_incremental_assign(rk, list), nil, 0)
            } else {
                result = rd_kafka_assign(rk, list)
            }
            if result != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.error("kafka consumer: assign failed", metadata: ["error": "\(KafkaError.text(result))"])
            }
            // The consumer's state starts every assigned partition flowing, but librdkafka 2.0.2 keeps
            // a partition's pause across its revocation and a later assignment (confluent-kafka-go
            // issue 193, librdkafka issue 1849): a partition paused (a retry not yet due) when it was
            // taken away would come back paused with nobody to resume it — never fetched again.
            let resumed = rd_kafka_resume_partitions(rk, list)
            if resumed != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.error(
                    "kafka consumer: resume on assign failed", metadata: ["error": "\(KafkaError.text(resumed))"])
            }
            logger.info(
                "kafka consumer: partitions assigned",
                metadata: [
                    "partitions": "\(partitions.map(\.description).sorted())",
                    "protocol": "\(cooperative ? "cooperative" : "eager")",
                ])
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(rk) != 0
            storeOffsets(rk: rk)
            let (offsets, queues) = state.withLock { $0.revoke(partitions, lost: lost) }
            for queue in queues { queue.stopSignalling() }
            if !lost, !offsets.isEmpty {
                let commitList = RdPartitionList(offsets)
                let result = rd_kafka_commit(rk, commitList.pointer, 0)
                if result == RD_KAFKA_RESP_ERR_NO_ERROR {
                    state.withLock { $0.statistics.commits += 1 }
                } else if result != RD_KAFKA_RESP_ERR__NO_OFFSET {
                    state.withLock { $0.statistics.commitFailures += 1 }
                    logger.warning(
                        "kafka consumer: commit on revoke failed", metadata: ["error": "\(KafkaError.text(result))"])
                }
            }
            // The new owner re-reads what was buffered but not acknowledged here.
            let dropped = buffer.purge(Set(partitions))
            let result: rd_kafka_resp_err_t
            if cooperative {
                result = driftless_error_take_code(rd_kafka_incremental_unassign(rk, list), nil, 0)
            } else {
                result = rd_kafka_assign(rk, nil)
            }
            if result != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.error("kafka consumer: unassign failed", metadata: ["error": "\(KafkaError.text(result))"])
            }
            logger.info(
                "kafka consumer: partitions revoked",
                metadata: [
                    "partitions": "\(partitions.map(\.description).sorted())", "lost": "\(lost)",
                    "committed": "\(offsets.count)", "droppedBuffered": "\(dropped)",
                ])
        default:
            logger.error("kafka consumer: rebalance error", metadata: ["error": "\(KafkaError.text(code))"])
            let (_, queues) = state.withLock { $0.revoke(partitions, lost: true) }
            for queue in queues { queue.stopSignalling() }
            buffer.purge(Set(partitions))
            _ = rd_kafka_assign(rk, nil)
        }
    }
}
