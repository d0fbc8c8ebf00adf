import ArgumentParser
import Foundation
import OrderModel
import Pipeline
import Simulators
import XCTest

@testable import DriftlessCLI

/// `driftless mapping check FILE --payloads DIR` reports the SKUs of recorded orders the mapping's
/// `content.items` does not map (issue 24), through the real parser on real temporary files.
final class MappingSKUCheckTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mapping-sku-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("payloads"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func order(_ id: Int, skus: [String]) -> String {
        let lines = skus.enumerated().map { index, sku in
            "{\"id\":\(id * 10 + index),\"sku\":\"\(sku)\",\"quantity\":1,\"price\":\"5.00\"}"
        }
        return "{\"id\":\(id),\"updated_at\":\"2026-12-01T10:00:00Z\",\"financial_status\":\"paid\","
            + "\"line_items\":[\(lines.joined(separator: ","))]}"
    }

    private func check(_ mapping: String) throws -> MappingOutput {
        let command = try DriftlessCommand.parseAsRoot([
            "mapping", "check", mapping, "--payloads", directory.appendingPathComponent("payloads").path,
        ])
        return try XCTUnwrap(command as? MappingCheck).execute()
    }

    func testUnmappedSKUsOfRecordedPayloadsAreReportedAndFailTheCheck() throws {
        let payloads = directory.appendingPathComponent("payloads")
        try Data(order(1, skus: ["CT-NAT", "NEW-1"]).utf8).write(to: payloads.appendingPathComponent("a.json"))
        try Data(order(2, skus: ["NEW-1", "NEW-2"]).utf8).write(to: payloads.appendingPathComponent("b.json"))
        try Data("{\"AmazonOrderId\":\"1\"}".utf8).write(to: payloads.appendingPathComponent("c.json"))
        let yaml = try XCTUnwrap(MappingMatrix.defaultYAML)
        let mapping = directory.appendingPathComponent("m.yaml")
        try Data(yaml.utf8).write(to: mapping)

        let output = try check(mapping.path)
        XCTAssertEqual(output.exitCode, 1, output.stdout)
        XCTAssertTrue(output.stdout.contains("2 Shopify orders checked, 2 unmapped SKUs"), output.stdout)
        XCTAssertTrue(output.stdout.contains("unmapped SKU NEW-1 in 2 payload(s): a.json, b.json"), output.stdout)
        XCTAssertTrue(output.stdout.contains("unmapped SKU NEW-2 in 1 payload(s): b.json"), output.stdout)

        let fixed = yaml.replacingOccurrences(
            of: "    CT-NAT: \"1103\"\n", with: "    CT-NAT: \"1103\"\n    NEW-1: \"1901\"\n    NEW-2: \"1902\"\n")
        try Data(fixed.utf8).write(to: mapping)
        let after = try check(mapping.path)
        XCTAssertEqual(after.exitCode, 0, after.stdout)
        XCTAssertTrue(after.stdout.contains("0 unmapped SKUs"), after.stdout)
    }

    /// With `content.item_lookup: suiteql` and an ERP, the SKUs missing from `content.items` are
    /// asked of the ERP (the simulator's item records) in one SuiteQL query: those it has are reported
    /// as found there, only a SKU found nowhere is unmapped (and fails the check).
    func testWithTheERPLookupOnlySKUsFoundNowhereAreUnmapped() async throws {
        let payloads = directory.appendingPathComponent("payloads")
        try Data(order(1, skus: ["CT-NAT", "ERP-ONE"]).utf8).write(to: payloads.appendingPathComponent("a.json"))
        try Data(order(2, skus: ["ERP-TWO", "NOWHERE-1"]).utf8).write(to: payloads.appendingPathComponent("b.json"))
        let yaml = try XCTUnwrap(MappingMatrix.defaultYAML)
        let mapping = directory.appendingPathComponent("m.yaml")
        try Data(yaml.utf8).write(to: mapping)
        let token = "mapping-erp-token"
        let erp = try await ERPSimulator.start(token: token)
        await erp.store.addItems([
            ERPItem(id: "5801", itemID: "ERP-ONE"), ERPItem(id: "5802", itemID: "Two", externalID: "ERP-TWO"),
        ])
        let configuration = ERPConfiguration(baseURL: erp.server.baseURL, authentication: .bearer(token: Secret(token)))
        let query = "suiteql SELECT id, itemid, externalid FROM item WHERE itemid IN (…) OR externalid IN (…)"
        func check() async throws -> MappingOutput {
            let command = try DriftlessCommand.parseAsRoot([
                "mapping", "check", mapping.path, "--payloads", payloads.path,
            ])
            return try await XCTUnwrap(command as? MappingCheck).execute(erp: configuration)
        }
        do {
            let output = try await check()
            XCTAssertEqual(output.exitCode, 1, output.stdout)
            XCTAssertTrue(
                output.stdout.contains("2 Shopify orders checked, 1 unmapped SKUs (2 more found in the ERP)"),
                output.stdout)
            XCTAssertTrue(output.stdout.contains("unmapped SKU NOWHERE-1 in 1 payload(s): b.json"), output.stdout)
            XCTAssertTrue(
                output.stdout.contains(
                    "SKU ERP-ONE not in content.items, found in the ERP (item 5801) — in 1 payload(s): a.json"),
                output.stdout)
            XCTAssertTrue(
                output.stdout.contains("SKU ERP-TWO not in content.items, found in the ERP (item 5802)"), output.stdout)
            XCTAssertFalse(output.stdout.contains("unmapped SKU ERP-"), output.stdout)
            XCTAssertEqual(erp.requestKinds[query], 1, "one SuiteQL query for the three SKUs: \(erp.requestKinds)")

            // Once the last SKU is an ERP item, the check passes.
            await erp.store.addItems([ERPItem(id: "5803", itemID: "NOWHERE-1")])
            let after = try await check()
            XCTAssertEqual(after.exitCode, 0, after.stdout)
            XCTAssertTrue(after.stdout.contains("0 unmapped SKUs (3 more found in the ERP)"), after.stdout)

            // With the lookup off the ERP is not asked: the table alone decides.
            try Data(yaml.replacingOccurrences(of: "content:\n", with: "content:\n  item_lookup: off\n").utf8)
                .write(to: mapping)
            let off = try await check()
            XCTAssertEqual(off.exitCode, 1, off.stdout)
            XCTAssertTrue(off.stdout.contains("2 Shopify orders checked, 3 unmapped SKUs"), off.stdout)
            XCTAssertEqual(erp.requestKinds[query], 2, "asked once per check with the lookup on")
        } catch {
            await erp.stop()
            throw error
        }
        await erp.stop()
    }
}
