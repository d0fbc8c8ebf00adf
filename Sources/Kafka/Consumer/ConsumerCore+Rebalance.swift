import CRdKafka
import Logging

/// librdkafka's rebalance callback; runs on the poll thread inside `rd_kafka_consumer_poll` or
/// `rd_kafka_consumer_close`. The opaque is the (unretained) ``ConsumerCore``, which the poll
/// thread keeps alive.
let consumerRebalanceCallback: @convention(c) (
    OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?
) -> Void = { rk, code, list, opaque in
    guard let rk, let list, let opaque else { return }
    Unmanaged<ConsumerCore>.fromOpaque(opaque).takeUnretainedValue().rebalance(rk: rk, code: code, list: list)
}

extension ConsumerCore {
    /// Assigns or revokes partitions for both the cooperative and the eager protocol. Before
    /// giving partitions up it commits, synchronously, everything acknowledged on them.
    func rebalance(rk: OpaquePointer, code: rd_kafka_resp_err_t, list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        let cooperative = rd_kafka_rebalance_protocol(rk).map { String(cString: $0) } == "COOPERATIVE"
        let partitions = RdPartitionList.read(list).map { TopicPartition(topic: $0.topic, partition: $0.partition) }
        switch code {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            let toPause = state.withLock { $0.assign(partitions) }
            let result: rd_kafka_resp_err_t
            if cooperative {
                result = driftless_error_take_code(rd_kafka_incremental_assign(rk, list), nil, 0)
            } else {
                result = rd_kafka_assign(rk, list)
            }
            if result != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.error("kafka consumer: assign failed", metadata: ["error": "\(KafkaError.text(result))"])
            }
            setPaused(toPause, paused: true, rk: rk)
            logger.info("kafka consumer: partitions assigned", metadata: [
                "partitions": "\(partitions.map(\.description).sorted())", "protocol": "\(cooperative ? "cooperative" : "eager")",
            ])
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(rk) != 0
            storeOffsets(rk: rk)
            let offsets = state.withLock { $0.revoke(partitions, lost: lost) }
            if !lost, !offsets.isEmpty {
                let commitList = RdPartitionList(offsets)
                let result = rd_kafka_commit(rk, commitList.pointer, 0)
                if result == RD_KAFKA_RESP_ERR_NO_ERROR {
                    state.withLock { $0.statistics.commits += 1 }
                } else if result != RD_KAFKA_RESP_ERR__NO_OFFSET {
                    logger.warning("kafka consumer: commit on revoke failed", metadata: ["error": "\(KafkaError.text(result))"])
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
            logger.info("kafka consumer: partitions revoked", metadata: [
                "partitions": "\(partitions.map(\.description).sorted())", "lost": "\(lost)",
                "committed": "\(offsets.count)", "droppedBuffered": "\(dropped)",
            ])
        default:
            logger.error("kafka consumer: rebalance error", metadata: ["error": "\(KafkaError.text(code))"])
            _ = state.withLock { $0.revoke(partitions, lost: true) }
            buffer.purge(Set(partitions))
            _ = rd_kafka_assign(rk, nil)
        }
    }
}
