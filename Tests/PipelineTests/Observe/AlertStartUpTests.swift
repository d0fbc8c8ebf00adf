import DriftlessTesting
import Foundation
import Pipeline
import PipelineHTTP
import XCTest

/// The same errors stop `driftless run` at start-up, before anything is opened.
final class AlertStartUpTests: XCTestCase {
    func testRunRefusesToStartWithAnUnknownRuleOrAMalformedURL() async throws {
        let directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-alert-startup")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("driftless.yaml")
        try "alerts:\n  rules:\n    - rule: mismatch\n".write(to: file, atomically: true, encoding: .utf8)
        let unknown = try await runDriftless(["run", "--config", file.path, "--port", "0"], in: directory)
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.output.contains("alerts.rules[0].rule"), unknown.output)
        XCTAssertTrue(unknown.output.contains("unknown rule \"mismatch\""), unknown.output)

        let malformed = try await runDriftless(
            ["run", "--port", "0"], in: directory, environment: ["DRIFTLESS_ALERT_SLACK_URL": "not a url/s3cr3t"])
        XCTAssertNotEqual(malformed.status, 0)
        XCTAssertTrue(malformed.output.contains("DRIFTLESS_ALERT_SLACK_URL"), malformed.output)
        XCTAssertFalse(malformed.output.contains("s3cr3t"), malformed.output)

        // Built in code (not loaded), the runtime checks it too.
        var configuration = PipelineConfiguration()
        configuration.ledgerURL = "sqlite::memory:"
        configuration.ingestPort = 0
        configuration.alerts.destinations = [AlertDestination(kind: .teams, url: Secret("mailto:ops@example.com"))]
        do {
            let runtime = try await PipelineRuntime.start(configuration: configuration)
            try await runtime.shutdown()
            XCTFail("started with a malformed Teams URL")
        } catch let error as PipelineConfigurationError {
            XCTAssertTrue(error.description.contains("alerts.teams.url"), error.description)
            XCTAssertFalse(error.description.contains("ops@example.com"), error.description)
        }
    }

    private func runDriftless(_ arguments: [String], in directory: URL, environment: [String: String] = [:])
        async throws -> (status: Int32, output: String)
    {
        try await DriftlessBinary.run(arguments, in: directory, environment: environment)
    }
}
