import DriftlessTesting
import Foundation
import Ledger
import Pipeline
import Simulators
import XCTest

/// `driftless trace SO-4411`: an order found by its NetSuite sales order's document number (`tranId`)
/// or internal id, read from the ERP named by the environment — the built executable against the ERP
/// simulator over real HTTP and a real SQLite ledger.
final class TraceByNetSuiteIDTests: XCTestCase {
    func testTraceFindsAnOrderByItsSalesOrdersDocumentNumberAndInternalID() async throws {
        let directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-trace-erp")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = "sqlite://" + directory.appendingPathComponent("ledger.db").path
        let store = try await Ledger.open(url: url)
        typealias F = TraceFixtures
        try await store.append([
            F.record(.received, event: "w1", at: 0), F.record(.translated, event: "w1", stage: "translate", at: 3),
            F.record(.received, order: "shopify:2002", event: "z", at: 5),
        ])
        await store.close()
        let token = "trace-erp-token"
        let erp = try await ERPSimulator.start(token: token)
        do {
            let client = try ERPClient(
                configuration: ERPConfiguration(
                    baseURL: erp.server.baseURL, authentication: .bearer(token: Secret(token))))
            let body = Data(#"{"orderStatus": "A"}"#.utf8)
            for order in ["so-shopify-2002", "so-shopify-1001"] {
                let written = await client.upsert("salesOrder", externalId: order, body: body)
                if case .done = written {} else { XCTFail("\(order): \(written)") }
            }
            let (outcome, answer) = await client.read("salesOrder", id: "eid:so-shopify-1001")
            if case .done = outcome {} else { XCTFail("\(outcome)") }
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: XCTUnwrap(answer)) as? [String: Any])
            let number = try XCTUnwrap(object["tranId"] as? String)
            let internalID = try XCTUnwrap(object["id"] as? String)
            let environment = ["DRIFTLESS_ERP_URL": erp.server.baseURL, "DRIFTLESS_ERP_TOKEN": token]

            for id in [number, internalID] {
                let found = try await DriftlessProcess.run(
                    ["trace", id, "--ledger", url], environment: environment, directory: directory)
                XCTAssertEqual(found.status, 0, found.stderr)
                XCTAssertTrue(found.stdout.hasPrefix("Order shopify:1001: 2 audit records"), "\(id): \(found.stdout)")
            }
            // Without an ERP to ask, the document number names nothing the ledger knows.
            let without = try await DriftlessProcess.run(["trace", number, "--ledger", url], directory: directory)
            XCTAssertNotEqual(without.status, 0)
            XCTAssertTrue(without.stderr.contains("no order \(number)"), without.stderr)
        } catch {
            await erp.stop()
            throw error
        }
        await erp.stop()
    }
}
