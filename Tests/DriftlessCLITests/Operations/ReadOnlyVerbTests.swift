import DriftlessTesting
import Foundation
import XCTest

/// Issue 25 item 13: read-only verbs (`trace`, `dlq list`, `dlq show`) never create a ledger, fail
/// when it does not exist, say on stderr which ledger they read, and an unknown order is exit 1.
/// Run through the built executable, as an operator would.
final class ReadOnlyVerbTests: XCTestCase {
    private var directory = URL(fileURLWithPath: "/nonexistent")

    override func setUpWithError() throws {
        directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-readonly")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testReadOnlyVerbsCreateNothingAndFailWithoutALedger() async throws {
        let typo = directory.appendingPathComponent("typo/dir/ledger.db").path
        for arguments in [
            ["trace", "shopify:1"], ["dlq", "list"], ["dlq", "show", "1"], ["trace", "--since", "1h"],
            ["trace", "shopify:1", "--ledger", "sqlite://" + typo], ["dlq", "list", "--ledger", "sqlite://" + typo],
        ] {
            let result = try await DriftlessProcess.run(arguments, directory: directory)
            XCTAssertNotEqual(result.status, 0, "\(arguments) must fail without a ledger:\n\(result.stdout)")
            XCTAssertTrue(result.stderr.contains("no ledger at"), "\(arguments):\n\(result.stderr)")
            XCTAssertFalse(
                FileManager.default.fileExists(atPath: directory.appendingPathComponent(".data").path),
                "\(arguments) created ./.data")
            XCTAssertFalse(
                FileManager.default.fileExists(atPath: directory.appendingPathComponent("typo").path),
                "\(arguments) created the directories of a mistyped --ledger")
        }
    }

    func testReadOnlyVerbsNameTheLedgerAndAnUnknownOrderIsExitOne() async throws {
        let path = directory.appendingPathComponent("ledger.db").path
        let url = "sqlite://" + path
        let migrate = try await DriftlessProcess.run(["ledger", "migrate", "--ledger", url], directory: directory)
        XCTAssertEqual(migrate.status, 0, migrate.stderr)

        let trace = try await DriftlessProcess.run(["trace", "shopify:404", "--ledger", url], directory: directory)
        XCTAssertEqual(trace.status, 1, "an unknown order is a failure:\n\(trace.stdout)\n\(trace.stderr)")
        XCTAssertTrue(trace.stderr.contains("reading ledger sqlite://\(path)"), trace.stderr)
        XCTAssertTrue(trace.stderr.contains("no order shopify:404"), trace.stderr)

        let list = try await DriftlessProcess.run(["dlq", "list", "--ledger", url], directory: directory)
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdout.contains("no cases"), list.stdout)
        XCTAssertTrue(list.stderr.contains("reading ledger sqlite://\(path)"), list.stderr)
    }
}
