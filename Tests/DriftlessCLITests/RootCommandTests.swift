import ArgumentParser
import Kafka
import XCTest

@testable import DriftlessCLI
@testable import DriftlessOperations

final class RootCommandTests: XCTestCase {
    /// `driftless --help` lists every verb the README promises.
    func testHelpListsTheVerbs() {
        let help = DriftlessCommand.helpMessage()
        for verb in ["run", "mapping", "trace", "ledger", "dev-broker", "simulate", "version"] {
            XCTAssertTrue(help.contains("\n  \(verb) "), "help does not list `\(verb)`:\n\(help)")
        }
    }

    /// An unknown verb is a usage error with a message, not a crash.
    func testUnknownVerbIsAUsageError() {
        XCTAssertThrowsError(try DriftlessCommand.parseAsRoot(["frobnicate"])) { error in
            XCTAssertEqual(DriftlessCommand.exitCode(for: error), .validationFailure)
            XCTAssertFalse(DriftlessCommand.message(for: error).isEmpty)
        }
    }

    /// The process is linked against the librdkafka the project targets (Debian's 2.0.2 or newer).
    func testLinkedLibrdkafkaVersion() throws {
        let parts = librdkafkaVersion.split(separator: ".").compactMap { Int($0) }
        XCTAssertGreaterThanOrEqual(parts.count, 2, "unexpected version string \(librdkafkaVersion)")
        XCTAssertTrue(parts.lexicographicallyPrecedes([2, 0, 2]) == false, "librdkafka \(librdkafkaVersion) < 2.0.2")
    }
}
