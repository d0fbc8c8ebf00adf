import DriftlessTesting
import Foundation
import XCTest

@testable import Pipeline

/// Issue 25 items 12 and 15: an unknown configuration key stops start-up naming the key and the
/// closest valid one, and the example file describes every key with its real default.
final class ConfigUnknownKeysTests: XCTestCase {
    private var files: TemporaryFiles?

    override func setUpWithError() throws {
        files = try TemporaryFiles(prefix: "driftless-config-keys")
    }

    override func tearDown() {
        files?.remove()
    }

    private func loadError(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let path = try XCTUnwrap(files).write(yaml, "driftless.yaml")
        do {
            _ = try PipelineConfiguration.load(file: path, environment: [:])
            XCTFail("loaded:\n\(yaml)", file: file, line: line)
            return ""
        } catch let error as PipelineConfigurationError {
            return error.description
        }
    }

    func testUnknownKeysNameTheKeyAndTheClosestValidOne() throws {
        for (yaml, key, suggestion) in [
            ("kafka:\n  bootstrapServer: \"127.0.0.1:9092\"\n", "kafka.bootstrapServer", "kafka.bootstrapServers"),
            (
                "ingest:\n  shopify:\n    secretfile: /run/secrets/x\n", "ingest.shopify.secretfile",
                "ingest.shopify.secretFile"
            ),
            ("dispatch:\n  maxAttempt: 3\n", "dispatch.maxAttempt", "dispatch.maxAttempts"),
            ("reconcile:\n  windowHour: 48\n", "reconcile.windowHour", "reconcile.windowHours"),
            (
                "alerts:\n  rules:\n    - rule: mismatches\n      treshold: 5\n", "alerts.rules[0].treshold",
                "alerts.rules[0].threshold"
            ),
            ("kafak:\n  topicPrefix: x\n", "kafak", "kafka"),
        ] {
            let message = try loadError(yaml)
            XCTAssertTrue(message.contains("unknown key '\(key)'"), "\(key): \(message)")
            XCTAssertTrue(message.contains("did you mean '\(suggestion)'"), "\(key): \(message)")
        }
        // Free-form maps (librdkafka properties, the reconcile policy) take any key.
        let path = try XCTUnwrap(files).write(
            "kafka:\n  properties:\n    linger.ms: \"5\"\n  consumerProperties:\n    any.thing: \"1\"\n",
            "free.yaml")
        XCTAssertNoThrow(try PipelineConfiguration.load(file: path, environment: [:]))
    }

    /// `Deploy/driftless.yaml` loads (every key it shows exists) and its dispatch values are the real defaults.
    func testTheExampleFileUsesKnownKeysAndTheRealDefaults() throws {
        let example = ExampleConfiguration.url
        let text = try String(contentsOf: example, encoding: .utf8)
        let path = try XCTUnwrap(files).write(text, "example.yaml")
        let loaded = try PipelineConfiguration.load(
            file: path, environment: ["DRIFTLESS_SHOPIFY_SECRET": "s"])
        let defaults = DispatchPolicy()
        XCTAssertEqual(loaded.dispatch.maxAttempts, defaults.maxAttempts, "dispatch.maxAttempts in the example")
        XCTAssertEqual(loaded.dispatch.retryTiers.map(\.name), defaults.retryTiers.map(\.name))
        XCTAssertTrue(text.contains("retryTiers"), "the example shows dispatch.retryTiers")
        let maxAttemptsLine = text.split(separator: "\n").first { $0.contains("maxAttempts:") } ?? ""
        XCTAssertFalse(
            maxAttemptsLine.contains("quarantined"), "failed writes go to the retry tiers: \(maxAttemptsLine)")
    }
}
