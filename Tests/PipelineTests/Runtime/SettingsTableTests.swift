import DriftlessTesting
import Foundation
import XCTest
import Yams

@testable import Pipeline

/// The settings table drives file parsing, environment overrides, unknown keys, `config show` and the
/// settings reference of its sections.
final class SettingsTableTests: XCTestCase {
    private var files: TemporaryFiles!

    override func setUpWithError() throws {
        files = try TemporaryFiles(prefix: "driftless-settings")
    }

    override func tearDown() {
        files.remove()
    }

    /// A value of each kind that every row of that kind accepts and `validate()` passes.
    private func sample(_ row: Setting, variant: Int) -> (yaml: String, env: String)? {
        switch row.kind {
        case .text: return ("\"v\(variant)-\(row.key.split(separator: ".").last ?? "")\"", "e\(variant)-text")
        case .integer: return ("\(4000 + variant)", "\(5000 + variant)")
        case .milliseconds: return ("\(1500 + variant)", "\(2500 + variant)")
        case .seconds: return ("\(60 + variant)", "\(90 + variant)")
        case .number: return ("0.4\(variant)", "0.3\(variant)")
        case .duration: return ("4\(variant)d", "5\(variant)d")
        case .list, .map: return nil
        }
    }

    func testEveryRowReadsTheFileAndTheEnvironmentWins() throws {
        for row in SettingsTable.rows {
            guard let (yamlValue, envValue) = sample(row, variant: 1) else { continue }
            let parts = row.key.split(separator: ".")
            var yaml = ""
            for (depth, part) in parts.enumerated() {
                let indent = String(repeating: "  ", count: depth)
                yaml += depth == parts.count - 1 ? "\(indent)\(part): \(yamlValue)\n" : "\(indent)\(part):\n"
            }
            let file = try files.write(yaml, "\(row.key).yaml")
            var fromFile = try PipelineConfiguration.load(file: file, environment: [:])
            let expectedFromFile = yamlValue.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            XCTAssertEqual(row.show(fromFile), expectedFromFile, "\(row.key) from the file")
            XCTAssertNotEqual(row.show(PipelineConfiguration()), expectedFromFile, "\(row.key): not the default")
            guard let variable = row.environment else { continue }
            fromFile = try PipelineConfiguration.load(file: file, environment: [variable: envValue])
            XCTAssertEqual(row.show(fromFile), envValue, "\(row.key): \(variable) wins over the file")
            fromFile = try PipelineConfiguration.load(file: file, environment: [variable: ""])
            XCTAssertEqual(row.show(fromFile), expectedFromFile, "\(row.key): an empty \(variable) counts as unset")
        }
    }

    func testListsMapsAndTheEmbeddedBroker() throws {
        let file = try files.write(
            """
            kafka:
              bootstrapServers: embedded
              properties: {linger.ms: 5}
            dispatch:
              retryTiers: [2s, 1m]
            """, "lists.yaml")
        let configuration = try PipelineConfiguration.load(
            file: file, environment: ["DRIFTLESS_KAFKA_PROPERTY_BATCH_SIZE": "100"])
        XCTAssertNil(configuration.bootstrapServers)
        XCTAssertTrue(configuration.embeddedRequested)
        XCTAssertEqual(configuration.kafkaProperties, ["linger.ms": "5", "batch.size": "100"])
        XCTAssertEqual(configuration.dispatch.retryTiers.map(\.name), ["2s", "1m"])
        let broker = try PipelineConfiguration.load(
            file: file, environment: ["DRIFTLESS_KAFKA_BOOTSTRAP": "127.0.0.1:9092"])
        XCTAssertEqual(broker.bootstrapServers, "127.0.0.1:9092")
        XCTAssertFalse(broker.embeddedRequested)
    }

    func testABadValueNamesTheKeyOrTheVariable() throws {
        let file = try files.write("dispatch:\n  maxConcurrentOrders: many\n", "bad.yaml")
        XCTAssertThrowsError(try PipelineConfiguration.load(file: file, environment: [:])) {
            XCTAssertTrue("\($0)".contains("dispatch.maxConcurrentOrders"), "\($0)")
            XCTAssertFalse("\($0)".contains("many"), "the value is not echoed: \($0)")
        }
        XCTAssertThrowsError(try PipelineConfiguration.load(file: nil, environment: ["DRIFTLESS_PARTITIONS": "six"])) {
            XCTAssertEqual(
                $0 as? PipelineConfigurationError, .invalidVariable(name: "DRIFTLESS_PARTITIONS", value: "six"))
        }
        let section = try files.write("kafka: 5\n", "section.yaml")
        XCTAssertThrowsError(try PipelineConfiguration.load(file: section, environment: [:])) {
            XCTAssertTrue("\($0)".contains("kafka must be a map"), "\($0)")
        }
        let small = try files.write("metrics:\n  sampleIntervalMs: 0\n", "small.yaml")
        XCTAssertThrowsError(try PipelineConfiguration.load(file: small, environment: [:])) {
            XCTAssertTrue("\($0)".contains("metrics.sampleIntervalMs"), "\($0)")
        }
        let short = try files.write("ledger:\n  retention:\n    closedCases: 30m\n", "short.yaml")
        XCTAssertThrowsError(try PipelineConfiguration.load(file: short, environment: [:])) {
            XCTAssertTrue("\($0)".contains("ledger.retention.closedCases: expected a duration of at least 1h"), "\($0)")
        }
    }

    func testAnUnknownKeyOfATableSectionNamesTheClosestRow() throws {
        for (yaml, suggestion) in [
            ("kafka:\n  topicPrefx: x\n", "kafka.topicPrefix"),
            ("dispatch:\n  maxAttemps: 3\n", "dispatch.maxAttempts"),
            ("stage:\n  replica: a\n", "stages"),
        ] {
            let file = try files.write(yaml, "unknown.yaml")
            XCTAssertThrowsError(try PipelineConfiguration.load(file: file, environment: [:])) {
                XCTAssertTrue("\($0)".contains("did you mean '\(suggestion)'"), "\($0)")
            }
        }
    }

    func testConfigShowSaysWhereEachValueCameFromAndNeverPrintsASecret() throws {
        let secrets = ["shpss_show_secret_1", "erp-show-token-2", "pg-show-password-3", "sasl-show-4", "ops-show-5"]
        let file = try files.write("kafka:\n  topicPrefix: fromfile\n  partitions: 3\n", "show.yaml")
        let text = try ConfigurationReport.text(
            file: file,
            environment: [
                "DRIFTLESS_PARTITIONS": "9",
                "DRIFTLESS_SHOPIFY_SECRET": secrets[0],
                "DRIFTLESS_ERP_URL": "http://127.0.0.1:9", "DRIFTLESS_ERP_TOKEN": secrets[1],
                "DRIFTLESS_LEDGER_URL": "postgres://driftless:\(secrets[2])@127.0.0.1/db",
                "DRIFTLESS_KAFKA_PROPERTY_SASL_PASSWORD": secrets[3],
                "DRIFTLESS_OPS_TOKEN": secrets[4],
            ])
        for secret in secrets { XCTAssertFalse(text.contains(secret), "\(secret) printed:\n\(text)") }
        XCTAssertTrue(text.contains("kafka.topicPrefix = fromfile  # file"), text)
        XCTAssertTrue(text.contains("kafka.partitions = 9  # env DRIFTLESS_PARTITIONS"), text)
        XCTAssertTrue(text.contains("ingest.port = 8080  # default"), text)
        XCTAssertTrue(text.contains("ingest.shopify.secret = (set)"), text)
        XCTAssertTrue(text.contains("erp.credentials = (set)"), text)
        XCTAssertTrue(text.contains("ops.token = (set)"), text)
        XCTAssertTrue(text.contains("sasl.password=(set)"), text)
        XCTAssertTrue(text.contains("postgres://driftless:redacted@127.0.0.1/db"), text)
        XCTAssertEqual(
            text.split(separator: "\n").filter { $0.hasPrefix("kafka.") || $0.hasPrefix("dispatch.") }.count,
            SettingsTable.kafka.count + SettingsTable.dispatch.count, "one line per row")
    }

    func testTheReferenceAndTheExampleFileCoverEveryRow() throws {
        let root = ExampleConfiguration.repositoryRoot
        let reference = try String(
            contentsOf: root.appendingPathComponent("docs/SETTINGS.md"), encoding: .utf8)
        XCTAssertEqual(
            reference, SettingsReference.markdown,
            "docs/SETTINGS.md is written by `driftless config reference`: run it after changing the table")
        let example = try String(contentsOf: ExampleConfiguration.url, encoding: .utf8)
        for row in SettingsTable.rows {
            let name = row.key.split(separator: ".").last.map(String.init) ?? row.key
            XCTAssertTrue(example.contains("\(name):"), "\(row.key) is described in Deploy/driftless.yaml")
            if let variable = row.environment, row.kind != .map {
                XCTAssertTrue(
                    example.contains(variable) || reference.contains(variable), "\(variable) is documented")
            }
        }
        XCTAssertEqual(Set(SettingsTable.rows.map(\.key)).count, SettingsTable.rows.count, "one row per key")
    }
}
