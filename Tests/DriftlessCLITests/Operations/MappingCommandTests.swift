import ArgumentParser
import DriftlessTesting
import Foundation
import OrderModel
import XCTest

@testable import DriftlessCLI
@testable import DriftlessOperations

/// `driftless mapping …` through the real argument parser, on real temporary files.
final class MappingCommandTests: XCTestCase {
    var files: TemporaryFiles!
    var directory: URL { files.directory }

    override func setUpWithError() throws {
        files = try TemporaryFiles(prefix: "mapping-cli")
    }

    override func tearDownWithError() throws {
        files.remove()
    }

    func write(_ name: String, _ text: String) throws -> String {
        try files.write(text, name)
    }

    func defaultYAML() throws -> String { try XCTUnwrap(MappingMatrix.defaultYAML) }

    /// Parses `arguments` as the real root command and runs the verb, capturing its output.
    func run(_ arguments: [String]) throws -> MappingOutput {
        let command = try DriftlessCommand.parseAsRoot(arguments)
        switch command {
        case let check as MappingCheck: return check.execute()
        case let show as MappingShow: return show.execute()
        case let diff as MappingDiffCommand: return diff.execute()
        default:
            XCTFail("unexpected command \(type(of: command))")
            return MappingOutput(exitCode: -1)
        }
    }

    func testCheckAcceptsTheDefaultFile() throws {
        let path = try write("default.yaml", try defaultYAML())
        let output = try run(["mapping", "check", path])
        XCTAssertEqual(output.exitCode, 0, output.stderr)
        XCTAssertTrue(output.stdout.contains("OK (version 1"), output.stdout)
    }

    func testCheckRejectsWithFileLineAndValueAndNonZeroExit() async throws {
        let text = try defaultYAML().replacingOccurrences(
            of: "    Shipped:            { payment: captured,",
            with: "    Shipped:            { payment: shipped,")
        let path = try write("bad.yaml", text)
        let output = try run(["mapping", "check", path])
        XCTAssertEqual(output.exitCode, 1)
        let lineNumber =
            try XCTUnwrap(
                text.split(separator: "\n", omittingEmptySubsequences: false)
                    .firstIndex { $0.contains("payment: shipped") }) + 1
        XCTAssertTrue(output.stderr.contains("\(path):\(lineNumber):"), output.stderr)
        XCTAssertTrue(output.stderr.contains("unknown payment value \"shipped\""), output.stderr)

        // Through run() (an async command: it may ask the ERP): the exit code reaches the process.
        var command = try XCTUnwrap(
            try DriftlessCommand.parseAsRoot(["mapping", "check", path]) as? any AsyncParsableCommand)
        do {
            try await command.run()
            XCTFail("a rejected mapping file must fail the command")
        } catch {
            XCTAssertEqual(DriftlessCommand.exitCode(for: error).rawValue, 1)
        }
    }

    func testCheckOfMissingFileIsExit2() throws {
        let output = try run(["mapping", "check", directory.appendingPathComponent("nope.yaml").path])
        XCTAssertEqual(output.exitCode, 2)
        XCTAssertTrue(output.stderr.contains("cannot read"), output.stderr)
    }

    func testShowPrintsMarkdownForDefaultAndForAFile() throws {
        let bundled = try run(["mapping", "show"])
        XCTAssertEqual(bundled.exitCode, 0)
        XCTAssertTrue(
            bundled.stdout.contains(
                "| Storefront Status | Marketplace Status | Canonical State (Middleware) | ERP Target Status |"))
        XCTAssertTrue(bundled.stdout.contains("`CANCELLED` | C Cancelled | Order Closed"), bundled.stdout)
        let path = try write(
            "v7.yaml", try defaultYAML().replacingOccurrences(of: "\nversion: 1\n", with: "\nversion: 7\n"))
        XCTAssertTrue(try run(["mapping", "show", path]).stdout.hasPrefix("# Status mapping (version 7)"))
    }

    func testDiffReportsChangesAndPayloadsThatTranslateDifferently() throws {
        let oldPath = try write("old.yaml", try defaultYAML())
        let newText = try defaultYAML()
            .replacingOccurrences(of: "\nversion: 1\n", with: "\nversion: 2\n")
            .replacingOccurrences(
                of: "    Unshipped:          { payment: authorized, canonical: PAYMENT_AUTHORIZED }",
                with: "    Unshipped:          { payment: captured, canonical: PAYMENT_CAPTURED }")
        let newPath = try write("new.yaml", newText)
        _ = try write(
            "payloads/amazon/unshipped.json",
            #"{"AmazonOrderId": "902-1", "LastUpdateDate": "2026-11-24T17:31:40Z", "OrderStatus": "Unshipped"}"#)
        _ = try write(
            "payloads/amazon/shipped.json",
            #"{"AmazonOrderId": "902-2", "LastUpdateDate": "2026-11-24T17:31:40Z", "OrderStatus": "Shipped"}"#)
        _ = try write(
            "payloads/shopify/paid.json",
            #"{"id": 1, "updated_at": "2026-11-20T10:00:00Z", "financial_status": "paid", "fulfillment_status": null}"#)
        _ = try write("payloads/notes.json", #"{"hello": "world"}"#)
        _ = try write("payloads/readme.txt", "ignored")

        let output = try run([
            "mapping", "diff", oldPath, newPath, "--payloads", directory.appendingPathComponent("payloads").path,
        ])
        XCTAssertEqual(output.exitCode, 0, output.stderr)
        XCTAssertTrue(output.stdout.hasPrefix("version 1 → 2\n"), output.stdout)
        XCTAssertTrue(
            output.stdout.contains("~ amazon.order_status Unshipped: payment=authorized → payment=captured"),
            output.stdout)
        XCTAssertTrue(
            output.stdout.contains("payloads: 4 checked, 1 translate differently, 1 not an order payload"),
            output.stdout)
        XCTAssertTrue(
            output.stdout.contains("amazon/unshipped.json (amazon)\n    old: PAYMENT_AUTHORIZED"), output.stdout)
        XCTAssertTrue(output.stdout.contains("\n    new: PAYMENT_CAPTURED"), output.stdout)
        XCTAssertFalse(output.stdout.contains("  amazon/shipped.json"), "unchanged payloads are not listed")
        XCTAssertTrue(output.stdout.contains("? notes.json"))

        let strict = try run([
            "mapping", "diff", oldPath, newPath, "--payloads",
            directory.appendingPathComponent("payloads").path, "--fail-on-change",
        ])
        XCTAssertEqual(strict.exitCode, 3)
        let same = try run(["mapping", "diff", oldPath, oldPath])
        XCTAssertEqual(same.stdout, "version 1 → 1\nno mapping changes\n")
    }

    /// Issue 24: `mapping diff` covers the content section (SKU → item, shipping items, defaults) and
    /// names the recorded orders whose SKUs map to another item, or to none (quarantined).
    func testDiffCoversContentMappingAndTheSKUsOfRecordedOrders() throws {
        let oldPath = try write("old.yaml", try defaultYAML())
        let newText = try defaultYAML()
            .replacingOccurrences(of: "\nversion: 1\n", with: "\nversion: 2\n")
            .replacingOccurrences(of: "    MCS-CHR-M: \"1101\"\n", with: "    MCS-CHR-M: \"1201\"\n")
            .replacingOccurrences(of: "    WS-GRY-OS: \"1106\"\n", with: "")
            .replacingOccurrences(of: "  rounding: 2", with: "  rounding: 0")
        XCTAssertNotEqual(newText, try defaultYAML().replacingOccurrences(of: "\nversion: 1\n", with: "\nversion: 2\n"))
        let newPath = try write("new.yaml", newText)
        let line = #"{"id": 11, "sku": "%@", "quantity": 1, "price": "14.00"}"#
        _ = try write(
            "payloads/shopify/edited.json",
            #"{"id": 1, "updated_at": "2026-11-20T10:00:00Z", "financial_status": "paid", "fulfillment_status": null, "#
                + #""line_items": ["# + String(format: line, "WS-GRY-OS") + ", "
                + String(format: line.replacingOccurrences(of: "11", with: "12"), "MCS-CHR-M") + ", "
                + String(format: line.replacingOccurrences(of: "11", with: "13"), "CT-NAT") + "]}")

        let output = try run([
            "mapping", "diff", oldPath, newPath, "--payloads", directory.appendingPathComponent("payloads").path,
        ])
        XCTAssertEqual(output.exitCode, 0, output.stderr)
        for expected in [
            "~ content.items MCS-CHR-M: 1101 → 1201\n", "- content.items WS-GRY-OS: 1106\n",
            "~ content rounding: 2 → 0\n", "content: 2 SKUs of recorded orders map differently\n",
            "  shopify/edited.json: SKU MCS-CHR-M item 1101 → item 1201\n",
            "  shopify/edited.json: SKU WS-GRY-OS item 1106 → unmapped (quarantined as unmapped-sku)\n",
        ] {
            XCTAssertTrue(output.stdout.contains(expected), "\(expected) in:\n\(output.stdout)")
        }
        XCTAssertFalse(output.stdout.contains("CT-NAT"), output.stdout)
        let strict = try run([
            "mapping", "diff", oldPath, newPath, "--payloads", directory.appendingPathComponent("payloads").path,
            "--fail-on-change",
        ])
        XCTAssertEqual(strict.exitCode, 3, "a SKU mapping differently is a change")
    }

    func testDiffWithABrokenFileFailsLikeCheck() throws {
        let oldPath = try write("old.yaml", try defaultYAML())
        let badPath = try write("bad.yaml", "version: 1\nshopify: [\n")
        let output = try run(["mapping", "diff", oldPath, badPath])
        XCTAssertEqual(output.exitCode, 1)
        XCTAssertTrue(output.stderr.contains("bad.yaml:"), output.stderr)
    }
}
