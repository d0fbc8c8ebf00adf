import ArgumentParser
import DriftlessTesting
import Foundation
import Kafka
import Logging
import Pipeline
import XCTest

@testable import DriftlessCLI
@testable import DriftlessOperations

/// `driftless topics create|check` through the real argument parser: `check` on librdkafka's mock cluster
/// (whose admin API has no CreateTopics, rdkafka_mock.h: topics are made the way the embedded runtime makes
/// them), `create` on the independent broker (Tansu).
final class TopicsCommandTests: XCTestCase {
    private var directory: URL?

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// A configuration file with `prefix`, 3 partitions and two retry tiers.
    private func configFile(prefix: String) throws -> String {
        let made = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-topics")
        directory = made
        let file = made.appendingPathComponent("driftless.yaml")
        let yaml = """
            kafka:
              topicPrefix: \(prefix)
              partitions: 3
            dispatch:
              retryTiers: [10s, 1m]
            """
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    private func parse<C: AsyncParsableCommand>(_ type: C.Type, _ arguments: [String]) throws -> C {
        try XCTUnwrap(try DriftlessCommand.parseAsRoot(arguments) as? C)
    }

    private func expectedTopics(_ prefix: String) -> [String] {
        [
            "\(prefix).ingest.raw", "\(prefix).validated", "\(prefix).canonical", "\(prefix).quarantine",
            "\(prefix).dead-letter", "\(prefix).retry.10s", "\(prefix).retry.1m",
        ]
    }

    func testCheckReportsMissingThenEveryTopicAsTheRuntimeMakesThem() async throws {
        let broker = try TestBroker.mock()
        let cluster = try XCTUnwrap(broker.mockCluster)
        let prefix = broker.uniqueName("topics")
        let config = try configFile(prefix: prefix)
        let check = ["topics", "check", "--config", config, "--bootstrap", broker.bootstrapServers]

        let before = try await parse(TopicsCheck.self, check).execute()
        XCTAssertFalse(before.ok)
        XCTAssertEqual(before.lines.count, expectedTopics(prefix).count)
        XCTAssertTrue(before.lines.allSatisfy { $0.hasPrefix("missing") }, before.text)
        XCTAssertTrue(
            before.text.contains("\(prefix).quarantine (wanted 3 partitions, retention.ms 2592000000)"), before.text)

        try await TopicSetup.ensure(
            kafka: broker.config(), topics: PipelineTopics(prefix: prefix), partitions: 3, replicationFactor: 1,
            tiers: ["10s", "1m"].compactMap(RetryTier.init),
            mockCluster: cluster, logger: Logger(label: "test"))
        let after = try await parse(TopicsCheck.self, check).execute()
        XCTAssertTrue(after.ok, after.text)
        XCTAssertEqual(after.lines.filter { $0.hasPrefix("ok") }.count, expectedTopics(prefix).count, after.text)
    }

    func testATopicWithOtherPartitionsFailsTheCheck() async throws {
        let broker = try TestBroker.mock()
        let prefix = broker.uniqueName("topics")
        for topic in expectedTopics(prefix) {
            try await broker.createTopic(named: topic, partitions: topic == "\(prefix).canonical" ? 1 : 3)
        }
        let config = try configFile(prefix: prefix)
        let check = ["topics", "check", "--config", config, "--bootstrap", broker.bootstrapServers]
        let result = try await parse(TopicsCheck.self, check).execute()
        XCTAssertFalse(result.ok)
        XCTAssertEqual(
            result.lines.filter { !$0.hasPrefix("ok") },
            ["wrong    \(prefix).canonical: 1 partitions, the configuration says 3"])
        XCTAssertThrowsError(try DriftlessCommand.parseAsRoot(["topics", "check", "--timeout", "0"]))
    }

    func testCreateMakesEveryTopicOnceOnTheIndependentBroker() async throws {
        guard let broker = try TestBroker.tansu() else { throw XCTSkip("DRIFTLESS_TEST_BOOTSTRAP is not set") }
        let prefix = broker.uniqueName("topics")
        let config = try configFile(prefix: prefix)
        let create = ["topics", "create", "--config", config, "--bootstrap", broker.bootstrapServers]
        let admin = try KafkaAdmin(config: broker.config())
        do {
            let created = try await parse(TopicsCreate.self, create).execute()
            XCTAssertTrue(created.ok, created.text)
            let found = try await admin.listTopics().filter { $0.name.hasPrefix(prefix + ".") }
            XCTAssertEqual(Set(found.map(\.name)), Set(expectedTopics(prefix)))
            XCTAssertTrue(found.allSatisfy { $0.partitions == [0, 1, 2] }, "\(found)")
            let again = try await parse(TopicsCreate.self, create).execute()
            XCTAssertTrue(again.ok, "creating existing topics is fine: \(again.text)")
        } catch {
            try? await admin.deleteTopics(expectedTopics(prefix))
            throw error
        }
        try await admin.deleteTopics(expectedTopics(prefix))
    }
}
