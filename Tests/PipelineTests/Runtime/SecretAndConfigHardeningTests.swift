import DriftlessTesting
import Foundation
import Pipeline
import PipelineHTTP
import Simulators
import XCTest

/// Issue 9, items 1 and the smaller configuration items: blank secrets, YAML errors that would echo
/// a secret, and a body limit the rest of the pipeline could not carry.
final class SecretAndConfigHardeningTests: XCTestCase {
    private var files: TemporaryFiles!

    override func setUpWithError() throws {
        files = try TemporaryFiles(prefix: "driftless-secrets")
    }

    override func tearDownWithError() throws {
        files.remove()
    }

    private func assertEmptySecret(
        _ setting: String, file: String? = nil, environment: [String: String], line: UInt = #line
    ) {
        XCTAssertThrowsError(try PipelineConfiguration.load(file: file, environment: environment), line: line) {
            error in
            guard case .emptySecret(let named) = error as? PipelineConfigurationError else {
                return XCTFail("expected emptySecret, got \(error)", line: line)
            }
            XCTAssertTrue(named.hasPrefix(setting), "names the setting: \(named)", line: line)
            XCTAssertTrue("\(error)".contains(setting), line: line)
        }
    }

    func testBlankSecretsFailStartUpNamingTheSetting() throws {
        assertEmptySecret("DRIFTLESS_SHOPIFY_SECRET", environment: ["DRIFTLESS_SHOPIFY_SECRET": ""])
        assertEmptySecret("DRIFTLESS_SHOPIFY_SECRET", environment: ["DRIFTLESS_SHOPIFY_SECRET": " \t\n"])
        let newline = try files.write("\n", "newline-secret")
        assertEmptySecret("DRIFTLESS_SHOPIFY_SECRET_FILE", environment: ["DRIFTLESS_SHOPIFY_SECRET_FILE": newline])
        assertEmptySecret(
            "DRIFTLESS_SHOPIFY_PREVIOUS_SECRET",
            environment: ["DRIFTLESS_SHOPIFY_SECRET": "current", "DRIFTLESS_SHOPIFY_PREVIOUS_SECRET": "  "])
        assertEmptySecret(
            "DRIFTLESS_SHOPIFY_PREVIOUS_SECRET_FILE",
            environment: ["DRIFTLESS_SHOPIFY_SECRET": "current", "DRIFTLESS_SHOPIFY_PREVIOUS_SECRET_FILE": newline])

        let inline = try files.write("ingest:\n  shopify:\n    secret: \"\"\n", "inline.yaml")
        assertEmptySecret("ingest.shopify.secret", file: inline, environment: [:])
        let fromFile = try files.write("ingest:\n  shopify:\n    secretFile: \(newline)\n", "file.yaml")
        assertEmptySecret("ingest.shopify.secretFile", file: fromFile, environment: [:])
        let previous = try files.write(
            "ingest:\n  shopify:\n    secret: current\n    previousSecret: \"   \"\n", "previous.yaml")
        assertEmptySecret("ingest.shopify.previousSecret", file: previous, environment: [:])

        // Not configured at all is not an error: the endpoint is simply off.
        XCTAssertNil(try PipelineConfiguration.load(file: nil, environment: [:]).shopifySecret)
        // A real secret still loads, from a file with a trailing newline too.
        let good = try files.write("s3cret\n", "good-secret")
        let loaded = try PipelineConfiguration.load(file: nil, environment: ["DRIFTLESS_SHOPIFY_SECRET_FILE": good])
        XCTAssertEqual(loaded.shopifySecret?.value, "s3cret")
    }

    func testARuntimeGivenABlankSecretRefusesToStart() async throws {
        var configuration = PipelineConfiguration()
        configuration.ingestPort = 0
        configuration.ledgerURL = "sqlite::memory:"
        configuration.shopifySecret = Secret("\n")
        do {
            _ = try await PipelineRuntime.start(configuration: configuration, stages: [.ingest])
            XCTFail("started with a blank secret")
        } catch let error as PipelineConfigurationError {
            XCTAssertEqual(error, .emptySecret(setting: "ingest.shopify.secret"))
        }
    }

    func testAVerifierNeverUsesABlankKey() {
        let body = Array(#"{"id": 1}"#.utf8)
        let emptyKeySignature = WebhookSigner(secret: "").signature(for: body)
        XCTAssertFalse(ShopifySignatureVerifier(current: "").isValid(signature: emptyKeySignature, body: body))
        XCTAssertFalse(
            ShopifySignatureVerifier(current: "  ").isValid(
                signature: WebhookSigner(secret: "  ").signature(for: body), body: body))
        let rotated = ShopifySignatureVerifier(current: "current", previous: "")
        XCTAssertFalse(rotated.isValid(signature: emptyKeySignature, body: body))
        XCTAssertTrue(rotated.isValid(signature: WebhookSigner(secret: "current").signature(for: body), body: body))
    }

    func testYAMLErrorsDoNotEchoTheOffendingLine() throws {
        let secret = "shpss_inline_value_0123456789"
        let syntax = try files.write("ingest:\n  shopify:\n    secret: \(secret): more\n", "syntax.yaml")
        let mismatch = try files.write("ingest:\n  port: \(secret)\n", "mismatch.yaml")
        let badList = try files.write("ingest:\n  shopify: [\(secret)\n", "list.yaml")
        for (file, expected) in [(syntax, "line 3"), (mismatch, "ingest.port"), (badList, "line")] {
            XCTAssertThrowsError(try PipelineConfiguration.load(file: file, environment: [:])) { error in
                guard case .invalidFile = error as? PipelineConfigurationError else { return XCTFail("\(error)") }
                let text = "\(error)"
                XCTAssertFalse(text.contains(secret), "the value is not echoed: \(text)")
                XCTAssertFalse(text.contains("shpss"), "no part of it either: \(text)")
                XCTAssertTrue(text.contains(expected), "says where: \(text)")
            }
        }
    }

    func testABodyLimitThePipelineCannotCarryFailsStartUp() throws {
        let tooLarge = try files.write("ingest:\n  maxBodyBytes: 2000000\n", "large.yaml")
        XCTAssertThrowsError(try PipelineConfiguration.load(file: tooLarge, environment: [:])) { error in
            guard case .invalidValue(let field, let value) = error as? PipelineConfigurationError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(field, "ingest.maxBodyBytes")
            XCTAssertTrue(value.contains("message.max.bytes"), value)
        }
        // Default body limit (512 KiB) against a producer that takes at most 100 KB records.
        let smallProducer = try files.write("kafka:\n  properties:\n    message.max.bytes: \"100000\"\n", "small.yaml")
        XCTAssertThrowsError(try PipelineConfiguration.load(file: smallProducer, environment: [:]))
        let fits = try files.write(
            "kafka:\n  properties:\n    message.max.bytes: \"2000000\"\ningest:\n  maxBodyBytes: 900000\n", "fits.yaml")
        XCTAssertEqual(try PipelineConfiguration.load(file: fits, environment: [:]).maxBodyBytes, 900_000)
        XCTAssertNoThrow(try PipelineConfiguration.load(file: nil, environment: [:]))
    }
}
