import ArgumentParser
import DriftlessTesting
import Foundation
import XCTest

@testable import DriftlessCLI
@testable import DriftlessOperations

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 25 items 12 and 15: the smaller things an operator trips over, through the argument parser
/// and the built executable.
final class VerbUsabilityTests: XCTestCase {
    private var directory = URL(fileURLWithPath: "/nonexistent")

    override func setUpWithError() throws {
        directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-verbs")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private var ledgerURL: String { "sqlite://" + directory.appendingPathComponent("ledger.db").path }

    func testVersionFlag() async throws {
        let result = try await DriftlessProcess.run(["--version"], directory: directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("driftless "), result.stdout)
    }

    /// An error raised while a verb runs ends with that verb's usage, not the root's.
    func testAnErrorEndsWithTheUsageOfTheVerbThatFailed() async throws {
        let migrate = try await DriftlessProcess.run(
            ["ledger", "migrate", "--ledger", ledgerURL], directory: directory)
        XCTAssertEqual(migrate.status, 0, migrate.stderr)
        // No brokers configured: replay refuses while running (after parsing).
        let result = try await DriftlessProcess.run(
            ["dlq", "replay", "1", "--ledger", ledgerURL], directory: directory)
        XCTAssertNotEqual(result.status, 0)
        let usage = result.stderr.split(separator: "\n").first { $0.lowercased().hasPrefix("usage:") }
        XCTAssertTrue(usage?.contains("driftless dlq replay") == true, result.stderr)
    }

    /// One duration syntax with bounds: `90s`, `1h30m`, `2d`, `2w`; beyond the maximum is refused.
    func testWindowDurationsShareOneSyntaxWithBounds() throws {
        for accepted in ["90m", "1h30m", "2d", "2w", "48h"] {
            XCTAssertNoThrow(try DriftlessCommand.parseAsRoot(["reconcile", "--window", accepted]), accepted)
        }
        for refused in ["100000d", "0h", "-1h", "48", "1x"] {
            XCTAssertThrowsError(try DriftlessCommand.parseAsRoot(["reconcile", "--window", refused]), refused)
        }
        XCTAssertThrowsError(try DriftlessCommand.parseAsRoot(["ledger", "purge", "--older-than", "100000w"]))
    }

    func testTierNeedsTheRetryStage() throws {
        XCTAssertThrowsError(try DriftlessCommand.parseAsRoot(["run", "--tier", "1m"])) { error in
            XCTAssertTrue(DriftlessCommand.message(for: error).contains("--stage retry"))
        }
        XCTAssertNoThrow(try DriftlessCommand.parseAsRoot(["run", "--stage", "retry", "--tier", "1m"]))
    }

    /// Without an ERP the start-up line lists the stages that run (no dispatch, no retry).
    func testStartUpLineWithoutAnERP() async throws {
        let run = try DriftlessProcess(
            ["run", "--port", "0"],
            environment: ["DRIFTLESS_KAFKA_BOOTSTRAP": "embedded", "DRIFTLESS_LEDGER_URL": ledgerURL],
            directory: directory)
        let line = try await run.line(containing: " running")
        let result = try await run.stop()
        let started = try XCTUnwrap(line, "no start-up line:\n\(result.stdout)\n\(result.stderr)")
        let stages = started.components(separatedBy: " running").first ?? ""
        XCTAssertTrue(stages.contains("validate") && stages.contains("translate"), started)
        XCTAssertFalse(stages.contains("dispatch"), started)
        XCTAssertFalse(stages.contains("retry"), started)
    }

    /// A port in use stops start-up with an error naming the port.
    func testPortInUseSaysSo() async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let result = try await DriftlessProcess.run(
            ["run", "--port", String(listener.port)],
            environment: ["DRIFTLESS_KAFKA_BOOTSTRAP": "embedded", "DRIFTLESS_LEDGER_URL": ledgerURL],
            directory: directory)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(
            result.stderr.contains("port \(listener.port) is already in use"), "\(result.stdout)\n\(result.stderr)")
    }

    /// Item 9: `reconcile --history` lists the runs from the ledger (read-only), as JSON too.
    func testReconcileHistoryVerb() async throws {
        let migrate = try await DriftlessProcess.run(
            ["ledger", "migrate", "--ledger", ledgerURL], directory: directory)
        XCTAssertEqual(migrate.status, 0, migrate.stderr)
        let json = try await DriftlessProcess.run(
            ["reconcile", "--history", "--json", "--ledger", ledgerURL], directory: directory)
        XCTAssertEqual(json.status, 0, json.stderr)
        let runs = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [Any]
        XCTAssertEqual(runs?.count, 0, json.stdout)
        let table = try await DriftlessProcess.run(
            ["reconcile", "--history", "--ledger", ledgerURL], directory: directory)
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("no reconciliation runs"), table.stdout)
    }

    /// Item 12: `run` never falls back to the mock cluster; `embedded` must be asked for.
    func testRunWithoutBrokersRefusesToStart() async throws {
        let run = try DriftlessProcess(
            ["run", "--port", "0"], environment: ["DRIFTLESS_LEDGER_URL": ledgerURL], directory: directory)
        let line = try await run.line(containing: " running", timeout: .seconds(30))
        let result = try await run.stop()
        XCTAssertNil(line, "started without brokers:\n\(result.stdout)")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("embedded"), result.stderr)
    }
}
