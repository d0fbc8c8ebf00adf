import DriftlessTesting
import Foundation
import Kafka
import PipelineHTTP
import XCTest

@testable import Pipeline

/// Start-up while the broker does not answer: the topic setup is retried with capped back-off, the
/// process serves `/readyz` 503 meanwhile, and becomes ready without a restart once the broker answers.
final class TopicSetupRetryTests: XCTestCase {
    func testPausesDoubleUpToTheCap() {
        let retry = TopicSetupRetry(initialDelay: .milliseconds(500), maximumDelay: .seconds(3))
        XCTAssertEqual(
            (1...6).map(retry.delay(after:)),
            [.milliseconds(500), .seconds(1), .seconds(2), .seconds(3), .seconds(3), .seconds(3)])
    }

    func testARefusedConfigurationIsNotRetried() {
        XCTAssertFalse(TopicSetupService.isRetryable(.configuration(property: "x", message: "bad")))
        XCTAssertFalse(TopicSetupService.isRetryable(.admin(operation: "create topics", code: 38, message: "rf")))
        XCTAssertTrue(TopicSetupService.isRetryable(.timedOut(operation: "metadata", message: "no answer")))
        XCTAssertTrue(TopicSetupService.isRetryable(.admin(operation: "create topics", code: -195, message: "down")))
    }

    func testAStageWaitsForAnUnreachableBrokerAndBecomesReadyWithoutARestart() async throws {
        // The mock cluster answers metadata (not CreateTopics): the topics exist there, as on a broker
        // that already has them; its only broker refuses every connection at first.
        let cluster = try MockCluster(brokers: 1)
        var configuration = PipelineConfiguration()
        configuration.topicPrefix = "startup-\(UUID().uuidString.prefix(8).lowercased())"
        configuration.partitions = 2
        for spec in TopicSetup.specs(
            topics: PipelineTopics(prefix: configuration.topicPrefix), partitions: 2, replicationFactor: 1,
            tiers: configuration.dispatch.retryTiers)
        {
            try cluster.createTopic(spec.name, partitions: spec.partitions)
        }
        try cluster.setBrokerDown(1)
        let probe = try SilentListener()
        let port = probe.port
        probe.close()
        configuration.ingestPort = port
        configuration.ledgerURL = "sqlite::memory:"
        configuration.bootstrapServers = cluster.bootstrapServers
        configuration.topicSetupRetry = TopicSetupRetry(
            attemptTimeout: .seconds(1), initialDelay: .milliseconds(200), maximumDelay: .seconds(1))
        let starting = Task { try await PipelineRuntime.start(configuration: configuration, stages: [.validate]) }
        let base = "http://127.0.0.1:\(port)"
        let waiting = await eventually(timeout: .seconds(60)) {
            guard (try? await get("\(base)/readyz")) == 503,
                let status = try? await getText("\(base)/status")
            else { return false }
            // At least the second attempt failed too: the process retries rather than exits.
            return status.text.contains("waiting for the broker (attempt 2)")
                || status.text.contains("waiting for the broker (attempt 3)")
        }
        XCTAssertTrue(waiting, "up, not ready, retrying the topic setup")

        try cluster.setBrokerUp(1)
        let runtime = try await starting.value
        let ready = await eventually(timeout: .seconds(60)) { (try? await get("\(base)/readyz")) == 200 }
        XCTAssertTrue(ready, "ready once the broker answers, without a restart")
        XCTAssertEqual(runtime.health.details["topics"], "ready")
        XCTAssertNotNil(runtime.validate)
        try await runtime.shutdown()
        withExtendedLifetime(cluster) {}
    }
}
