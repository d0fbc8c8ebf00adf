import DriftlessTesting
import Foundation
import Kafka
import Logging
import Pipeline
import XCTest

/// `driftless lag` / `driftless_consumer_lag_messages` on the mock cluster (whose ListOffsets
/// answers are right, unlike the Tansu build's): lag = high watermark − committed offset.
final class LagReportTests: XCTestCase {
    func testLagIsWatermarksMinusCommittedOffsetsAndTheMetricShowsTheSame() async throws {
        let broker = try TestBroker.mock(brokers: 1)
        let topics = PipelineTopics(prefix: broker.uniqueName("lag"))
        for topic in topics.stageTopics { try await broker.createTopic(named: topic, partitions: 3) }
        let reports = try await broker.produce(topic: topics.ingestRaw, count: 150, key: { "order-\($0)" })
        // What the broker holds per partition: offsets 0..<n.
        var produced: [Int32: Int64] = [:]
        for report in reports { produced[report.partition] = max(produced[report.partition] ?? 0, report.offset + 1) }
        XCTAssertEqual(produced.values.reduce(0, +), 150)

        // The validate group reads everything but acknowledges only the first third of each partition.
        let group = topics.consumerGroup(for: .validate)
        let consumer = try KafkaConsumer(
            config: broker.consumerConfig(["enable.auto.commit": "false"]), groupID: group,
            topics: [topics.ingestRaw], logger: Logger(label: "lag-test"))
        let messages = try await broker.consume(consumer, count: 150, acknowledge: false, close: false)
        XCTAssertEqual(messages.count, 150)
        var committed: [Int32: Int64] = [:]
        for (partition, total) in produced { committed[partition] = total / 3 }
        consumer.acknowledge(messages.filter { $0.offset < committed[$0.partition] ?? 0 })
        try await consumer.commit()
        await consumer.close()

        let admin = try KafkaAdmin(config: broker.config())
        let report = try await LagReport.collect(admin: admin, topics: topics)
        XCTAssertEqual(report.groups.map(\.stage), ["validate", "translate", "dispatch"])
        let validate = try XCTUnwrap(report.groups.first { $0.group == group })
        XCTAssertEqual(validate.topic, topics.ingestRaw)
        XCTAssertEqual(validate.partitions.map(\.partition), [0, 1, 2])
        for p in validate.partitions {
            let high = try XCTUnwrap(produced[p.partition])
            XCTAssertEqual(p.highWatermark, high, "partition \(p.partition)")
            XCTAssertEqual(p.lowWatermark, 0)
            XCTAssertEqual(p.committed, committed[p.partition])
            XCTAssertEqual(p.lag, p.highWatermark - (p.committed ?? 0))
        }
        XCTAssertEqual(validate.total, 150 - committed.values.reduce(0, +))
        // A group that committed nothing lags by everything its topic holds (here: nothing yet).
        let translate = try XCTUnwrap(report.groups.first { $0.stage == "translate" })
        XCTAssertTrue(translate.partitions.allSatisfy { $0.committed == nil && $0.lag == 0 })

        // --group picks one; --json carries the totals.
        let only = try await LagReport.collect(admin: admin, topics: topics, group: group)
        XCTAssertEqual(only.groups.map(\.group), [group])
        let json = try JSONSerialization.jsonObject(with: Data(try only.json().utf8)) as? [String: Any]
        let groups = json?["groups"] as? [[String: Any]]
        XCTAssertEqual(groups?.first?["total"] as? Int, Int(validate.total))
        XCTAssertTrue(only.table().contains(group))

        // The metric carries the same numbers.
        let metrics = PipelineMetrics()
        metrics.lag(report)
        let text = try PrometheusText(String(decoding: metrics.exposition(), as: UTF8.self))
        for p in validate.partitions {
            let labels = ["group": group, "topic": topics.ingestRaw, "partition": "\(p.partition)"]
            XCTAssertEqual(text.value("driftless_consumer_lag_messages", labels), Double(p.lag))
            XCTAssertEqual(text.value("driftless_consumer_committed_offset", labels), Double(p.committed ?? -1))
            XCTAssertEqual(text.value("driftless_partition_high_watermark_offset", labels), Double(p.highWatermark))
        }
        XCTAssertEqual(
            text.value("driftless_consumer_group_lag_messages", ["group": group]), Double(validate.total))
    }
}
