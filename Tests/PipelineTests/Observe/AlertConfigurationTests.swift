import DriftlessTesting
import Foundation
import Pipeline
import XCTest

/// `alerts:` in the config file and the environment: defaults, overrides, and clear start-up
/// errors for an unknown rule, a malformed or empty URL — never showing the URL.
final class AlertConfigurationTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-alert-config")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func load(_ yaml: String, environment: [String: String] = [:]) throws -> PipelineConfiguration {
        let file = directory.appendingPathComponent("driftless.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return try PipelineConfiguration.load(file: file.path, environment: environment)
    }

    private func error(_ yaml: String, environment: [String: String] = [:]) -> String {
        do {
            _ = try load(yaml, environment: environment)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func testDefaultsAreEveryRuleWithThePlaybookMismatchBoundAndNoDestination() throws {
        let configuration = try PipelineConfiguration.load(file: nil, environment: [:])
        XCTAssertEqual(Set(configuration.alerts.rules.map(\.kind)), Set(AlertRule.Kind.allCases))
        let mismatches = try XCTUnwrap(configuration.alerts.rules.first { $0.kind == .mismatches })
        XCTAssertEqual(mismatches.threshold, 5)
        XCTAssertEqual(mismatches.window, .seconds(3600))
        XCTAssertEqual(mismatches.severity, .high)
        XCTAssertEqual(configuration.alerts.destinations, [])
    }

    func testRulesCoolDownAndDestinationsFromFileAndEnvironment() throws {
        let configuration = try load(
            """
            alerts:
              cooldownMinutes: 30
              rules:
                - rule: mismatches
                  threshold: 10
                  windowMinutes: 30
                - rule: consumer-lag
                  threshold: 500
                  forMinutes: 5
                  severity: high
              slack:
                url: https://hooks.slack.example/services/T0/B0/secret
            """, environment: ["DRIFTLESS_ALERT_TEAMS_URL": "https://teams.example/workflows/1/triggers/manual"])
        XCTAssertEqual(configuration.alerts.cooldown, .seconds(1800))
        XCTAssertEqual(configuration.alerts.rules.map(\.kind), [.mismatches, .consumerLag])
        XCTAssertEqual(configuration.alerts.rules[0].threshold, 10)
        XCTAssertEqual(configuration.alerts.rules[0].window, .seconds(1800))
        XCTAssertEqual(configuration.alerts.rules[1].sustain, .seconds(300))
        XCTAssertEqual(configuration.alerts.rules[1].severity, .high)
        XCTAssertEqual(configuration.alerts.destinations.map(\.kind), [.slack, .teams])
        XCTAssertEqual(
            configuration.alerts.destinations.map(\.url.value),
            ["https://hooks.slack.example/services/T0/B0/secret", "https://teams.example/workflows/1/triggers/manual"])
    }

    func testUnknownRuleIsAStartUpErrorNamingIt() {
        let text = error(
            """
            alerts:
              rules:
                - rule: mismatches
                - rule: too-many-cats
            """)
        XCTAssertTrue(text.contains("alerts.rules[1].rule"), text)
        XCTAssertTrue(text.contains("unknown rule \"too-many-cats\""), text)
        XCTAssertTrue(text.contains("mismatches"), "lists the known rules: \(text)")
    }

    func testMalformedURLIsAStartUpErrorThatDoesNotShowIt() {
        let text = error(
            """
            alerts:
              slack:
                url: "hooks.slack.example/services/T0/B0/s3cr3t"
            """)
        XCTAssertTrue(text.contains("alerts.slack.url"), text)
        XCTAssertFalse(text.contains("s3cr3t"), text)
        let fromEnvironment = error("{}", environment: ["DRIFTLESS_ALERT_TEAMS_URL": "ftp://x/s3cr3t"])
        XCTAssertTrue(fromEnvironment.contains("DRIFTLESS_ALERT_TEAMS_URL"), fromEnvironment)
        XCTAssertFalse(fromEnvironment.contains("s3cr3t"), fromEnvironment)
    }

    func testEmptyURLIsAConfigurationError() {
        let text = error(
            """
            alerts:
              teams:
                url:
            """)
        XCTAssertTrue(text.contains("alerts.teams.url is set but empty"), text)
        let fromEnvironment = error("{}", environment: ["DRIFTLESS_ALERT_SLACK_URL": "  "])
        XCTAssertTrue(fromEnvironment.contains("DRIFTLESS_ALERT_SLACK_URL is set but empty"), fromEnvironment)
    }

    func testBadSeverityNumbersAndDuplicatesAreErrors() {
        XCTAssertTrue(error("alerts:\n  rules:\n    - rule: mismatches\n      severity: urgent\n").contains("severity"))
        XCTAssertTrue(
            error("alerts:\n  rules:\n    - rule: mismatches\n      windowMinutes: -1\n").contains("windowMinutes"))
        XCTAssertTrue(error("alerts:\n  rules:\n    - rule: mismatches\n    - rule: mismatches\n").contains("twice"))
        XCTAssertTrue(error("alerts:\n  rules:\n    - threshold: 3\n").contains("alerts.rules[0].rule"))
    }

    func testTheExampleFileSpellsOutTheDefaults() throws {
        let example = ExampleConfiguration.url.path
        // The example names a secret file that exists only in a deployment: the environment wins.
        let configuration = try PipelineConfiguration.load(
            file: example, environment: ["DRIFTLESS_SHOPIFY_SECRET": "example-secret"])
        let defaults = AlertConfiguration()
        XCTAssertEqual(configuration.alerts.rules, AlertRule.defaults)
        XCTAssertEqual(configuration.alerts.cooldown, defaults.cooldown)
        XCTAssertEqual(configuration.alerts.evaluationInterval, defaults.evaluationInterval)
        XCTAssertEqual(configuration.alerts.maxAttempts, defaults.maxAttempts)
        XCTAssertEqual(configuration.alerts.maxRetryAfter, defaults.maxRetryAfter)
        XCTAssertEqual(configuration.alerts.destinations, [])
        XCTAssertEqual(configuration.metricsSampleInterval, .seconds(15))
    }
}
