import DriftlessTesting
import Foundation
import Pipeline
import PipelineHTTP
import XCTest

/// The YAML file (Deploy/driftless.yaml), environment overrides and secret handling.
final class RuntimeConfigurationTests: XCTestCase {
    func testExampleFileLoadsAndEnvironmentOverridesIt() throws {
        let example = ExampleConfiguration.url.path
        let files = try TemporaryFiles(prefix: "driftless-config")
        defer { files.remove() }
        let secretFile = try files.write("file-secret\n", "secret")

        let fromFile = try PipelineConfiguration.load(
            file: example,
            environment: [
                "DRIFTLESS_SHOPIFY_SECRET_FILE": secretFile
            ])
        XCTAssertEqual(fromFile.bootstrapServers, "127.0.0.1:19092")
        XCTAssertEqual(fromFile.partitions, 6)
        XCTAssertEqual(fromFile.consumerProperties["session.timeout.ms"], "6000")
        XCTAssertEqual(fromFile.sendTimeout, .milliseconds(3000))
        XCTAssertEqual(fromFile.shopifySecret?.value, "file-secret", "env file wins over the missing file in /run")
        XCTAssertNil(fromFile.poller, "poller disabled in the example")

        let overridden = try PipelineConfiguration.load(
            file: example,
            environment: [
                "DRIFTLESS_KAFKA_BOOTSTRAP": "embedded", "DRIFTLESS_TOPIC_PREFIX": "shop1",
                "DRIFTLESS_INGEST_PORT": "0",
                "DRIFTLESS_SHOPIFY_SECRET": "env-secret", "DRIFTLESS_CONSUMER_PROPERTY_SESSION_TIMEOUT_MS": "4000",
                "DRIFTLESS_POLLER_URL": "http://127.0.0.1:9", "DRIFTLESS_LEDGER_URL": "sqlite::memory:",
            ])
        XCTAssertTrue(overridden.isEmbedded)
        XCTAssertEqual(overridden.topicPrefix, "shop1")
        XCTAssertEqual(overridden.ingestPort, 0)
        XCTAssertEqual(overridden.consumerProperties["session.timeout.ms"], "4000")
        XCTAssertEqual(overridden.poller?.baseURL, "http://127.0.0.1:9")
        XCTAssertEqual(overridden.ledgerURL, "sqlite::memory:")
        XCTAssertEqual(overridden.shopifySecret?.value, "env-secret")
        XCTAssertEqual("\(overridden.shopifySecret!)", "<redacted>", "secrets never print")
        XCTAssertFalse(String(describing: overridden).contains("env-secret"))
    }

    func testInvalidInputIsATypedError() throws {
        XCTAssertThrowsError(
            try PipelineConfiguration.load(file: nil, environment: ["DRIFTLESS_INGEST_PORT": "eighty"])
        ) {
            XCTAssertEqual(
                $0 as? PipelineConfigurationError, .invalidVariable(name: "DRIFTLESS_INGEST_PORT", value: "eighty"))
        }
        XCTAssertThrowsError(try PipelineConfiguration.load(file: "/nonexistent/driftless.yaml", environment: [:])) {
            guard case .unreadable = $0 as? PipelineConfigurationError else { return XCTFail("\($0)") }
        }
        let files = try TemporaryFiles(prefix: "driftless-config")
        defer { files.remove() }
        let bad = try files.write("kafka: [not, a, mapping]\n", "bad.yaml")
        XCTAssertThrowsError(try PipelineConfiguration.load(file: bad, environment: [:])) {
            guard case .invalidFile = $0 as? PipelineConfigurationError else { return XCTFail("\($0)") }
        }
    }

    func testEmbeddedRuntimeStartsWithZeroSetupAndShutsDownGracefully() async throws {
        var configuration = PipelineConfiguration()
        configuration.ingestPort = 0
        configuration.ledgerURL = "sqlite::memory:"
        configuration.partitions = 2
        let runtime = try await PipelineRuntime.start(configuration: configuration)
        XCTAssertTrue(configuration.isEmbedded)
        XCTAssertNotNil(runtime.validate)
        XCTAssertNotNil(runtime.translate)
        XCTAssertNil(runtime.webhooks, "no secret configured: no webhook route")
        let ready = try await get("http://127.0.0.1:\(runtime.httpPort)/readyz")
        XCTAssertEqual(ready, 200)
        let missingRoute = try await post(
            "http://127.0.0.1:\(runtime.httpPort)/webhooks/shopify", body: [], headers: [:])
        XCTAssertEqual(missingRoute, 404)
        // Graceful: shutdown returns (the stages stopped, the ledger closed) and the port is released.
        try await runtime.shutdown()
        let afterShutdown = try? await get("http://127.0.0.1:\(runtime.httpPort)/readyz")
        XCTAssertNil(afterShutdown, "nothing answers on the port after shutdown")
    }
}
