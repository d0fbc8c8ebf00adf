import ArgumentParser
import AsyncHTTPClient
import Foundation
import OrderModel
import Pipeline
import Simulators
import XCTest

@testable import DriftlessCLI
@testable import DriftlessOperations

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
        XCTAssertEqual(
            output.stdout.split(separator: "\n").dropFirst(),
            [
                "payloads: 2 orders checked (2 Shopify orders), 1 unreadable; "
                    + "3 SKUs: 1 in content.items, 0 found in the ERP, 2 unmapped",
                "  unmapped SKU NEW-1 — in 2 order(s): a.json (1), b.json (2)",
                "  unmapped SKU NEW-2 — in 1 order(s): b.json (2)",
                "  SKU CT-NAT in content.items (item 1103) — in 1 order(s): a.json (1)",
                "  unreadable c.json: neither a Shopify order (missing required field $.id), an Amazon order "
                    + "(missing required field $.LastUpdateDate) nor a getOrderItems answer "
                    + "(missing required field $.payload)",
            ], output.stdout)

        let fixed = yaml.replacingOccurrences(
            of: "    CT-NAT: \"1103\"\n", with: "    CT-NAT: \"1103\"\n    NEW-1: \"1901\"\n    NEW-2: \"1902\"\n")
        try Data(fixed.utf8).write(to: mapping)
        let after = try check(mapping.path)
        XCTAssertEqual(after.exitCode, 0, after.stdout)
        XCTAssertTrue(after.stdout.contains("3 in content.items, 0 found in the ERP, 0 unmapped"), after.stdout)
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
                output.stdout.contains(
                    "payloads: 2 orders checked (2 Shopify orders), 0 unreadable; "
                        + "4 SKUs: 1 in content.items, 2 found in the ERP, 1 unmapped"),
                output.stdout)
            XCTAssertTrue(output.stdout.contains("unmapped SKU NOWHERE-1 — in 1 order(s): b.json (2)"), output.stdout)
            XCTAssertTrue(
                output.stdout.contains(
                    "SKU ERP-ONE not in content.items, found in the ERP (item 5801) — in 1 order(s): a.json (1)"),
                output.stdout)
            XCTAssertTrue(
                output.stdout.contains("SKU ERP-TWO not in content.items, found in the ERP (item 5802)"), output.stdout)
            XCTAssertFalse(output.stdout.contains("unmapped SKU ERP-"), output.stdout)
            XCTAssertEqual(erp.requestKinds[query], 1, "one SuiteQL query for the three SKUs: \(erp.requestKinds)")

            // Once the last SKU is an ERP item, the check passes.
            await erp.store.addItems([ERPItem(id: "5803", itemID: "NOWHERE-1")])
            let after = try await check()
            XCTAssertEqual(after.exitCode, 0, after.stdout)
            XCTAssertTrue(after.stdout.contains("1 in content.items, 3 found in the ERP, 0 unmapped"), after.stdout)

            // With the lookup off the ERP is not asked: the table alone decides.
            try Data(yaml.replacingOccurrences(of: "content:\n", with: "content:\n  item_lookup: off\n").utf8)
                .write(to: mapping)
            let off = try await check()
            XCTAssertEqual(off.exitCode, 1, off.stdout)
            XCTAssertTrue(off.stdout.contains("4 SKUs: 1 in content.items, 0 found in the ERP, 3 unmapped"), off.stdout)
            XCTAssertEqual(erp.requestKinds[query], 2, "asked once per check with the lookup on")
        } catch {
            await erp.stop()
            throw error
        }
        await erp.stop()
    }

    /// Amazon payloads are read with the pipeline's ``AmazonOrderContent``: a `getOrders` order object
    /// carrying the `OrderItems` the poller's reader attaches, and a raw `getOrderItems` answer, both
    /// read over HTTP from the marketplace simulator. Every SKU is listed with the orders it was seen
    /// in and whether `content.items` maps it; a file that is no order (or an Amazon order recorded
    /// without its items) is reported unreadable with the reason. The payloads are the simulators'
    /// own documents; the expected report is computed from the documents they hold.
    func testShopifyAndBothAmazonShapesAreReportedPerSKU() async throws {
        let payloads = directory.appendingPathComponent("payloads")
        // A storefront order, edited by support: its first line now sells a SKU the mapping lacks.
        let storefront = StorefrontStore(seed: 7)
        let created = await storefront.createOrder(paid: true)
        let shopify = try await storefront.edit(created.id) { $0.lineItems[0].sku = "SHOP-NEW" }
        try Data(try shopify.jsonBytes()).write(to: payloads.appendingPathComponent("shopify.json"))

        // Marketplace orders: one with a new SKU next to a catalogue one, one with generated items.
        let marketplace = MarketplaceStore(seed: 5)
        let at = Date(timeIntervalSince1970: 1_795_000_000)
        let first = await marketplace.createOrder(status: "Unshipped", at: at)
        try await marketplace.setOrderItems(
            [
                AmazonOrderItemDocument(sku: "CT-NAT", orderItemID: "71", quantity: 2, itemPrice: "58.00"),
                AmazonOrderItemDocument(sku: "AMZ-NEW", orderItemID: "72", quantity: 1, itemPrice: "12.00"),
            ], of: first)
        let second = await marketplace.createOrder(status: "Unshipped", at: at)
        let (itemsOfFirst, itemsOfSecond) = await (marketplace.orderItems(first), marketplace.orderItems(second))
        let firstItems = try XCTUnwrap(itemsOfFirst)
        let secondItems = try XCTUnwrap(itemsOfSecond)
        let simulator = try await MarketplaceSimulator.start(store: marketplace, now: { at.addingTimeInterval(3600) })
        do {
            // getOrders' order object as recorded before its items were read, and with the items the
            // poller's reader (getOrderItems over HTTP) attaches; the raw getOrderItems answer as served.
            var poller = PollerConfiguration(baseURL: simulator.server.baseURL)
            poller.orderItems = true
            let reader = MarketplaceOrdersReader(
                baseURL: simulator.server.baseURL, marketplaceID: "ATVPDKIKX0DER", stats: ReconcileAPIStats(),
                orderItems: poller)
            let read = try await reader.orders(ids: [first])
            let bare = try XCTUnwrap(read.first)
            let attached = try await reader.withContent(bare)
            XCTAssertNotEqual(attached.payload, bare.payload, "the reader attached the order's items")
            try Data(bare.payload).write(to: payloads.appendingPathComponent("amazon-bare.json"))
            try Data(attached.payload).write(to: payloads.appendingPathComponent("amazon-order.json"))
            let answer = try await HTTPClient.shared.get(
                url: simulator.server.baseURL + "/orders/v0/orders/\(second)/orderItems"
            ).get()
            XCTAssertEqual(answer.status.code, 200)
            let body = try XCTUnwrap(answer.body)
            try Data(body.readableBytesView).write(to: payloads.appendingPathComponent("amazon-items.json"))
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
        try Data("{\"note\": \"not an order\"}".utf8).write(to: payloads.appendingPathComponent("notes.json"))

        let yaml = try XCTUnwrap(MappingMatrix.defaultYAML)
        let mapping = directory.appendingPathComponent("m.yaml")
        try Data(yaml.utf8).write(to: mapping)
        let items = try MappingMatrix.load(yaml: yaml, fileName: "m.yaml").content.items

        // The expected report, from the documents.
        var seen: [String: [String]] = [:]
        for line in shopify.lineItems { seen[line.sku, default: []].append("shopify.json (\(shopify.name))") }
        for item in firstItems { seen[item.SellerSKU, default: []].append("amazon-order.json (\(first))") }
        for item in secondItems { seen[item.SellerSKU, default: []].append("amazon-items.json (\(second))") }
        seen = seen.mapValues { Array(Set($0)).sorted() }
        func sightings(_ sku: String) -> String {
            let names = seen[sku] ?? []
            return "— in \(names.count) order(s): " + names.joined(separator: ", ")
        }
        let unmapped = seen.keys.filter { items[$0] == nil }.sorted()
        let mapped = seen.keys.filter { items[$0] != nil }.sorted()
        XCTAssertEqual(unmapped, ["AMZ-NEW", "SHOP-NEW"])
        XCTAssertTrue(mapped.contains("CT-NAT"))
        var expected = [
            "payloads: 3 orders checked (1 Shopify order, 1 Amazon order, 1 getOrderItems answer), 2 unreadable; "
                + "\(seen.count) SKUs: \(mapped.count) in content.items, 0 found in the ERP, 2 unmapped"
        ]
        expected += unmapped.map { "  unmapped SKU \($0) \(sightings($0))" }
        expected += mapped.map { "  SKU \($0) in content.items (item \(items[$0] ?? "")) \(sightings($0))" }
        expected += [
            "  unreadable amazon-bare.json: an Amazon order without OrderItems "
                + "(recorded before the poller attached its getOrderItems items)",
            "  unreadable notes.json: neither a Shopify order (missing required field $.id), an Amazon order "
                + "(missing required field $.AmazonOrderId) nor a getOrderItems answer (missing required field $.payload)",
        ]

        let output = try check(mapping.path)
        XCTAssertEqual(output.exitCode, 1, output.stdout)
        let report = output.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().map(String.init)
        XCTAssertEqual(report, expected, output.stdout)
    }
}
