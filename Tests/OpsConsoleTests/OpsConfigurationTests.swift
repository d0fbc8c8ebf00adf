import Foundation
import Pipeline
import XCTest

/// `ops:` in the file and `DRIFTLESS_OPS_*` in the environment: known keys, secrets from a file, an
/// empty token refused, a misspelt key refused by the unknown-key check.
final class OpsConfigurationTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("driftless-ops-config-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func file(_ text: String) throws -> String {
        let path = directory.appendingPathComponent("\(UUID()).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testTokenAndListenFromTheFileAndTheEnvironment() throws {
        let plain = try PipelineConfiguration.load(file: nil, environment: [:])
        XCTAssertNil(plain.ops.token, "no token by default: the console refuses everyone")
        XCTAssertNil(plain.ops.listenPort)

        let configured = try PipelineConfiguration.load(
            file: try file("ops:\n  token: from-file\n  listen: 127.0.0.1:9091\n"), environment: [:])
        XCTAssertEqual(configured.ops.token?.value, "from-file")
        XCTAssertEqual(configured.ops.listenHost, "127.0.0.1")
        XCTAssertEqual(configured.ops.listenPort, 9091)

        let tokenFile = directory.appendingPathComponent("ops-token").path
        try "from-env-file\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let overridden = try PipelineConfiguration.load(
            file: try file("ops:\n  token: from-file\n"),
            environment: ["DRIFTLESS_OPS_TOKEN_FILE": tokenFile, "DRIFTLESS_OPS_LISTEN": ":9092"])
        XCTAssertEqual(overridden.ops.token?.value, "from-env-file", "the environment wins; the newline is trimmed")
        XCTAssertEqual(overridden.ops.listenHost, "127.0.0.1")
        XCTAssertEqual(overridden.ops.listenPort, 9092)
        XCTAssertEqual("\(try XCTUnwrap(overridden.ops.token))", "<redacted>", "never printed")
    }

    func testAnEmptyTokenABadListenAndAnUnknownKeyStopStartUp() throws {
        XCTAssertThrowsError(try PipelineConfiguration.load(file: try file("ops:\n  token:\n"), environment: [:])) {
            XCTAssertEqual($0 as? PipelineConfigurationError, .emptySecret(setting: "ops.token"))
        }
        XCTAssertThrowsError(try PipelineConfiguration.load(file: nil, environment: ["DRIFTLESS_OPS_TOKEN": " "])) {
            XCTAssertEqual($0 as? PipelineConfigurationError, .emptySecret(setting: "DRIFTLESS_OPS_TOKEN"))
        }
        XCTAssertThrowsError(
            try PipelineConfiguration.load(file: try file("ops:\n  listen: localhost\n"), environment: [:])
        ) {
            guard case .invalidValue(let field, _) = $0 as? PipelineConfigurationError else { return XCTFail("\($0)") }
            XCTAssertEqual(field, "ops.listen")
        }
        XCTAssertThrowsError(try PipelineConfiguration.load(file: try file("ops:\n  tokn: x\n"), environment: [:])) {
            guard case .invalidFile(_, let reason) = $0 as? PipelineConfigurationError else {
                return XCTFail("\($0)")
            }
            XCTAssertTrue(reason.contains("ops.tokn"), reason)
        }
    }
}
