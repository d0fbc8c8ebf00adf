import Foundation
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// The ERP read path — ``ERPSync`` reads as dispatch plans with them and ``ERPViewReader`` as
/// reconciliation compares with them — authenticates in every mode against an ERP simulator that
/// insists on it, and refused credentials are a clear `unauthorized` read error.
final class ERPReadAuthTests: XCTestCase {
    func testTheViewIsReadInEveryModeAndRefusedCredentialsFailTheRead() async throws {
        let key = OrderKey(channel: .shopify, orderID: "5550001")
        let salesOrder = ERPEffect.externalID("so", key.channel.rawValue, key.orderID)
        for auth in TestERPAuth.allCases {
            let erp = try await TestERP.start(auth: auth)
            let client = try ERPClient(configuration: erp.configuration())
            let created = await client.upsert(
                "salesOrder", externalId: salesOrder,
                body: Data(#"{"externalId": "\#(salesOrder)", "orderStatus": {"id": "B"}}"#.utf8))
            guard case .done = created else { return XCTFail("\(auth): \(created)") }
            let order = await erp.simulator.store.find(.salesOrder, id: "eid:\(salesOrder)")
            let orderID = try XCTUnwrap(order?.id, "\(auth)")
            let fulfilled = await client.transform(
                salesOrder: orderID, to: "itemFulfillment",
                body: Data(
                    #"{"externalId": "if-\#(auth)", "package": {"items": [{"packageTrackingNumber": "1Z999AA1"}]}}"#
                        .utf8))
            guard case .done = fulfilled else { return XCTFail("\(auth): \(fulfilled)") }

            let stats = ReconcileAPIStats()
            let reader = ERPViewReader(sync: try erp.sync(), stats: stats)
            let view = try await reader.view(of: key)
            XCTAssertEqual(view?.salesOrderID, orderID, "\(auth)")
            XCTAssertEqual(view?.status, .pendingBilling, "\(auth): NetSuite derives F from the fulfilment")
            XCTAssertEqual(view?.trackingNumbers, ["1Z999AA1"], "\(auth)")
            XCTAssertTrue(view?.records.contains(.itemFulfillment) == true, "\(auth)")
            let absent = try await reader.view(of: OrderKey(channel: .amazon, orderID: "111-0000000-0000000"))
            XCTAssertNil(absent, "\(auth): an order the ERP lacks")
            let accepted = erp.simulator.acceptedRequests
            XCTAssertGreaterThan(accepted["\(auth.rawValue)+query"] ?? 0, 0, "\(auth): SuiteQL pages with a query")
            XCTAssertEqual(accepted.keys.filter { !$0.hasPrefix(auth.rawValue) }, [], "\(auth): only \(auth)")

            let refused = ERPViewReader(
                sync: ERPSync(
                    client: try ERPClient(configuration: erp.configuration(authentication: erp.wrongAuthentication))),
                stats: stats)
            do {
                _ = try await refused.view(of: key)
                XCTFail("\(auth): wrong credentials read the view")
            } catch let error as ReconcileReadError {
                XCTAssertEqual(error, .unauthorized(system: "erp", status: 401), "\(auth)")
                XCTAssertTrue(error.description.contains("credentials refused"), error.description)
            }
            await erp.stop()
        }
    }
}
