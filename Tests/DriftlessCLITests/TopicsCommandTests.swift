import ArgumentParser
import DriftlessTesting
import Foundation
import Kafka
import Pipeline
import XCTest

@testable import DriftlessCLI

/// `driftless topics create|check` through the real argument parser against librdkafka's mock cluster.
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

    private func run<C: AsyncParsableCommand>(_ type: C.Type, _ arguments: [String]) throws -> C {
        try XCTUnwrap(try DriftlessCommand.parseAsRoot(arguments) as? C)
    }

    func testCheckReportsMissingThenCreateMakesEveryTopicOnce() async throws {
        let broker = try TestBroker.mock()
        let prefix = broker.uniqueName("topics")
        let config = try configFile(prefix: prefix)
        let common = ["--config", config, "--bootstrap", broker.bootstrapServers]
        let expected = [
            "\(prefix).ingest.raw", "\(prefix).validated", "\(prefix).canonical", "\(prefix).quarantine",
            "\(prefix).dead-letter", "\(prefix).retry.10s", "\(prefix).retry.1m",
        ]

        let before = try await run(TopicsCheck.self, ["topics", "check"] + common).execute()
        XCTAssertFalse(before.ok)
        XCTAssertEqual(before.lines.count, expected.count)
        XCTAssertTrue(before.lines.allSatisfy { $0.hasPrefix("missing") }, before.text)
        XCTAssertTrue(before.text.contains("\(prefix).quarantine (wanted 3 partitions, retention.ms 2592000000)"))

        let created = try await run(TopicsCreate.self, ["topics", "create"] + common).execute()
        XCTAssertTrue(created.ok, created.text)
        let admin = try KafkaAdmin(config: broker.config())
        let found = try await admin.listTopics().filter { $0.name.hasPrefix(prefix + ".") }
        XCTAssertEqual(Set(found.map(\.name)), Set(expected))
        XCTAssertTrue(found.allSatisfy { $0.partitions == [0, 1, 2] }, "\(found)")

        let again = try await run(TopicsCreate.self, ["topics", "create"] + common).execute()
        XCTAssertTrue(again.ok, "creating existing topics is fine: \(again.text)")
        let after = try await run(TopicsCheck.self, ["topics", "check"] + common).execute()
        XCTAssertTrue(after.ok, after.text)
        XCTAssertEqual(after.lines.filter { $0.hasPrefix("ok") }.count, expected.count)
    }

    func testATopicWithOtherPartitionsFailsTheCheck() async throws {
        let broker = try TestBroker.mock()
        let prefix = broker.uniqueName("topics")
        let config = try configFile(prefix: prefix)
        try await broker.createTopic(named: "\(prefix).canonical", partitions: 1)

        let created = try await run(
            TopicsCreate.self, ["topics", "create", "--config", config, "--bootstrap", broker.bootstrapServers]
        ).execute()
        XCTAssertFalse(created.ok)
        XCTAssertEqual(
            created.lines.filter { !$0.hasPrefix("ok") },
            ["wrong    \(prefix).canonical: 1 partitions, the configuration says 3"])
        XCTAssertThrowsError(try DriftlessCommand.parseAsRoot(["topics", "check", "--timeout", "0"]))
    }
}
