import DriftlessTesting
import Foundation
import Pipeline
import PipelineHTTP
import XCTest

/// Where dispatch writes and how it retries: from the environment over the config file; a token
/// without a URL, a URL without a token and an empty token are start-up errors naming the setting;
/// `run` without an ERP starts without dispatch, `--stage dispatch` without one refuses to start.
final class DispatchConfigurationTests: XCTestCase {
    private var files: TemporaryFiles!

    override func setUpWithError() throws {
        files = try TemporaryFiles(prefix: "driftless-erp-config")
    }

    override func tearDownWithError() throws {
        files.remove()
    }

    func testTheFileAndTheEnvironmentConfigureTheERPAndThePolicy() throws {
        let tokenFile = try files.write("file-token\n", "token")
        let yaml = try files.write(
            """
            erp:
              baseURL: https://1234567.suitetalk.api.netsuite.com
              tokenFile: \(tokenFile)
              maxConcurrentRequests: 5
              requestTimeoutMs: 7000
            dispatch:
              maxAttempts: 4
              breakerConsecutiveFailures: 9
              breakerOpenMs: 2500
              viewTtlMs: 0
            """, "driftless.yaml")
        let fromFile = try PipelineConfiguration.load(file: yaml, environment: [:])
        let erp = try XCTUnwrap(fromFile.erp)
        XCTAssertEqual(erp.baseURL, "https://1234567.suitetalk.api.netsuite.com")
        XCTAssertEqual(erp.authentication, .bearer(token: Secret("file-token")))
        XCTAssertEqual(erp.maxConcurrentRequests, 5)
        XCTAssertEqual(erp.requestTimeout, .milliseconds(7000))
        XCTAssertEqual(fromFile.dispatch.maxAttempts, 4)
        XCTAssertEqual(fromFile.dispatch.breakerConsecutiveFailures, 9)
        XCTAssertEqual(fromFile.dispatch.breakerOpen, .milliseconds(2500))
        XCTAssertEqual(fromFile.dispatch.viewTTL, .zero)

        let overridden = try PipelineConfiguration.load(
            file: yaml,
            environment: [
                "DRIFTLESS_ERP_URL": "http://127.0.0.1:9300", "DRIFTLESS_ERP_TOKEN": "env-token",
                "DRIFTLESS_ERP_MAX_CONCURRENT_REQUESTS": "2",
            ])
        XCTAssertEqual(overridden.erp?.baseURL, "http://127.0.0.1:9300")
        XCTAssertEqual(overridden.erp?.authentication, .bearer(token: Secret("env-token")))
        XCTAssertEqual(overridden.erp?.maxConcurrentRequests, 2)
        XCTAssertNil(try PipelineConfiguration.load(file: nil, environment: [:]).erp, "no ERP unless configured")
    }

    func testMissingEmptyOrInvalidSettingsAreStartUpErrors() throws {
        func assertError(
            _ environment: [String: String], file: String? = nil, line: UInt = #line,
            _ check: (PipelineConfigurationError) -> Bool
        ) {
            XCTAssertThrowsError(try PipelineConfiguration.load(file: file, environment: environment), line: line) {
                error in
                guard let typed = error as? PipelineConfigurationError, check(typed) else {
                    return XCTFail("unexpected \(error)", line: line)
                }
                XCTAssertFalse("\(error)".contains("s3cret"), "never the secret", line: line)
            }
        }
        assertError(["DRIFTLESS_ERP_URL": "http://127.0.0.1:9300"]) {
            if case .missingSetting(let setting, _) = $0 { return setting.hasPrefix("erp.token") }
            return false
        }
        assertError(["DRIFTLESS_ERP_TOKEN": "s3cret"]) {
            $0 == .missingSetting(setting: "erp.baseURL", neededBy: "erp.token")
        }
        assertError(["DRIFTLESS_ERP_URL": "http://127.0.0.1:9300", "DRIFTLESS_ERP_TOKEN": "  "]) {
            $0 == .emptySecret(setting: "DRIFTLESS_ERP_TOKEN")
        }
        let emptyInline = try files.write("erp:\n  baseURL: http://127.0.0.1:9300\n  token:\n", "empty.yaml")
        assertError([:], file: emptyInline) { $0 == .emptySecret(setting: "erp.token") }
        assertError(["DRIFTLESS_ERP_URL": "ftp://erp", "DRIFTLESS_ERP_TOKEN": "s3cret"]) {
            if case .invalidValue(let field, _) = $0 { return field == "erp.baseURL" }
            return false
        }
        let badPolicy = try files.write("dispatch:\n  breakerFailureRatio: 1.5\n", "policy.yaml")
        assertError([:], file: badPolicy) {
            if case .invalidValue(let field, _) = $0 { return field == "dispatch.breakerFailureRatio" }
            return false
        }
    }

    func testRunWithoutAnERPStartsWithoutDispatchButTheDispatchStageAloneRefuses() async throws {
        var configuration = PipelineConfiguration()
        configuration.ingestPort = 0
        configuration.ledgerURL = "sqlite::memory:"
        do {
            _ = try await PipelineRuntime.start(configuration: configuration, stages: [.dispatch])
            XCTFail("dispatch started without an ERP")
        } catch let error as PipelineRuntimeError {
            XCTAssertEqual(error, .dispatchWithoutERP)
            XCTAssertTrue("\(error)".contains("DRIFTLESS_ERP_URL"))
        }
        let runtime = try await PipelineRuntime.start(configuration: configuration)
        XCTAssertNil(runtime.dispatch)
        XCTAssertNotNil(runtime.translate)
        try await runtime.shutdown()
    }
}
