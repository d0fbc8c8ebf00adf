import ArgumentParser
import Foundation
import XCTest

@testable import DriftlessCLI

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
}
