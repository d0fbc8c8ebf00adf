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
        XCTAssertEqual(report.groups.map(\.stage), ["validate", "translate", "dispatch", "dead-letter", "dead-letter"])
        XCTAssertEqual(
            report.groups.filter { $0.stage == "dead-letter" }.map(\.topic), [topics.deadLetter, topics.quarantine])
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

    /// The `driftless lag` command as a separate process (the mock cluster listens on loopback):
    /// its JSON and table carry the same numbers as the report made in this process.
    func testLagCommandPrintsTheSameNumbers() async throws {
        let broker = try TestBroker.mock(brokers: 1)
        let topics = PipelineTopics(prefix: broker.uniqueName("lagcli"))
        for topic in topics.allTopics(tiers: RetryTier.defaults) {
            try await broker.createTopic(named: topic, partitions: 2)
        }
        try await broker.produce(topic: topics.validated, count: 40, key: { "order-\($0)" })
        let group = topics.consumerGroup(for: .translate)
        let consumer = try KafkaConsumer(
            config: broker.consumerConfig(["enable.auto.commit": "false"]), groupID: group,
            topics: [topics.validated], logger: Logger(label: "lag-test"))
        let messages = try await broker.consume(consumer, count: 40, acknowledge: false, close: false)
        consumer.acknowledge(messages.filter { $0.offset < 5 })
        try await consumer.commit()
        await consumer.close()
        let expected = try await LagReport.collect(
            admin: try KafkaAdmin(config: broker.config()), topics: topics, group: group)
        XCTAssertEqual(expected.groups.first?.total, 40 - 10)

        let environment = ["DRIFTLESS_TOPIC_PREFIX": topics.prefix]
        let json = try await runDriftless(
            ["lag", "--bootstrap", broker.bootstrapServers, "--group", group, "--json"], environment: environment)
        XCTAssertEqual(json.status, 0, json.output)
        // The JSON document is what stands between the first "{" and the last "}" (stderr may follow).
        let start = try XCTUnwrap(json.output.firstIndex(of: "{"))
        let end = try XCTUnwrap(json.output.lastIndex(of: "}"))
        let printed = try JSONDecoder().decode(LagReport.self, from: Data(json.output[start...end].utf8))
        XCTAssertEqual(printed, expected)
        let table = try await runDriftless(["lag", "--bootstrap", broker.bootstrapServers], environment: environment)
        XCTAssertEqual(table.status, 0, table.output)
        XCTAssertTrue(table.output.contains("total (translate)"), table.output)
        for tier in RetryTier.defaults {
            XCTAssertTrue(
                table.output.contains(topics.retry(tier: tier.name)), "the retry group's tiers: \(table.output)")
        }
        XCTAssertTrue(
            table.output.split(separator: "\n").contains { $0.hasPrefix(group) && $0.hasSuffix(" 30") }, table.output)
        let unknown = try await runDriftless(
            ["lag", "--bootstrap", broker.bootstrapServers, "--group", "nope"], environment: environment)
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.output.contains("unknown group nope"), unknown.output)
    }

    /// Runs the `driftless` binary built beside the tests; its standard output, then its standard error.
    private func runDriftless(_ arguments: [String], environment: [String: String]) async throws -> (
        status: Int32, output: String
    ) {
        try await DriftlessBinary.run(arguments, environment: environment)
    }
}
