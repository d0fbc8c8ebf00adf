import Foundation
import Kafka

extension PipelineMetrics {
    /// A stage consumer's buffer and back-pressure, sampled.
    func consumer(stage: StageName, statistics s: KafkaConsumerStatistics) {
        let labels = [("stage", stage.rawValue)]
        gauge("driftless_consumer_buffer_messages", labels).record(s.bufferedMessages)
        gauge("driftless_consumer_buffer_capacity_messages", labels).record(s.bufferCapacity)
        gauge("driftless_consumer_buffer_fill_ratio", labels)
            .record(s.bufferCapacity > 0 ? Double(s.bufferedMessages) / Double(s.bufferCapacity) : 0)
        gauge("driftless_consumer_assigned_partitions", labels).record(s.assignedPartitions)
        gauge("driftless_consumer_paused_partitions", labels).record(s.pausedPartitions)
        addGrowth("driftless_consumer_back_pressure_pauses_total", labels, cumulative: s.backPressurePauses)
        addGrowth("driftless_consumer_rebalances_total", labels, cumulative: s.assignments + s.revocations)
    }

    /// Lag per group, topic and partition, as ``LagReport`` computes it (also what `driftless lag`
    /// prints), and its sum for the `consumer-lag` alert rule.
    public func lag(_ report: LagReport, now: Date = Date(), members: [String: Int] = [:]) {
        var total: Int64 = 0
        for group in report.groups {
            for p in group.partitions {
                let labels = [("group", group.group), ("topic", group.topic), ("partition", "\(p.partition)")]
                gauge("driftless_consumer_lag_messages", labels).record(p.lag)
                gauge("driftless_consumer_committed_offset", labels).record(p.committed ?? -1)
                gauge("driftless_partition_high_watermark_offset", labels).record(p.highWatermark)
            }
            gauge("driftless_consumer_group_lag_messages", [("group", group.group), ("topic", group.topic)])
                .record(group.total)
            total += group.total
        }
        alerts?.record(.lag(total), at: now)
        for action in lagVerdicts.record(report, at: now, members: members) {
            guard case .changed(let group, _, let evaluation) = action else { continue }
            for verdict in LagVerdict.allCases {
                gauge("driftless_consumer_group_verdict", [("group", group), ("verdict", verdict.rawValue)])
                    .record(verdict == evaluation.verdict ? 1 : 0)
            }
        }
    }
}
