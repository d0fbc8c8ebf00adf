import ArgumentParser
import Foundation
import XCTest

@testable import DriftlessCLI
@testable import DriftlessOperations

/// `driftless simulate erp` refuses to start without a usable token.
final class SimulateERPCommandTests: XCTestCase {
    func testAnEmptyTokenFileIsAConfigurationError() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("erp-token-\(UUID().uuidString)")
        try Data(" \n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let parsed = try DriftlessCommand.parseAsRoot(["simulate", "erp", "--secret-file", file.path])
        guard var command = parsed as? any AsyncParsableCommand else { return XCTFail("not async: \(parsed)") }
        do {
            try await command.run()
            XCTFail("an empty token must not start the simulator")
        } catch {
            XCTAssertTrue(
                DriftlessCommand.message(for: error).contains("is empty"), DriftlessCommand.message(for: error))
            XCTAssertFalse(DriftlessCommand.message(for: error).contains(" \n"))
        }
    }

    /// Half an OAuth 2.0 client or TBA pair is refused with the options it needs; a public key
    /// file that holds no P-256 key is named.
    func testIncompleteOAuth2OrTBAOptionsAreRefused() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("erp-key-\(UUID().uuidString)")
        try Data("-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let cases: [([String], String)] = [
            (["--oauth2-client-id", "c"], "--oauth2-certificate-id"),
            (["--tba-account-id", "1", "--tba-token-id", "t"], "--tba-consumer-key"),
            (
                ["--oauth2-client-id", "c", "--oauth2-certificate-id", "k", "--oauth2-public-key-file", file.path],
                "no EC P-256 public key"
            ),
        ]
        for (arguments, expected) in cases {
            let parsed = try DriftlessCommand.parseAsRoot(["simulate", "erp"] + arguments)
            guard var command = parsed as? any AsyncParsableCommand else { return XCTFail("not async: \(parsed)") }
            do {
                try await command.run()
                XCTFail("\(arguments) must not start the simulator")
            } catch {
                let message = DriftlessCommand.message(for: error)
                XCTAssertTrue(message.contains(expected), message)
            }
        }
    }
}
