import Foundation
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// Finding an order by its NetSuite sales order — internal id or document number (`tranId`) —
/// against the ERP simulator over real HTTP, and the needed vs existing effects by the ERP's view.
final class ERPOrderLookupTests: XCTestCase {
    func testASalesOrderIsFoundByItsInternalIDAndByItsDocumentNumber() async throws {
        let erp = try await TestERP.start(auth: .bearer)
        do {
            let client = try ERPClient(configuration: erp.configuration())
            let sync = ERPSync(client: client)
            var ids: [String: String] = [:]
            for order in ["shopify:1001", "amazon:114-3941689-8772232"] {
                let key = try XCTUnwrap(OrderKey(order))
                var effect = ERPEffectPlanner.required(
                    for: key, dimensions: OrderDimensions(), facts: .none, target: nil
                ).effects[0]
                effect.status = .pendingApproval
                let (outcome, id) = await sync.apply(effect, salesOrderID: nil, eventID: "e-\(order)")
                if case .done = outcome {} else { XCTFail("\(order): \(outcome)") }
                ids[order] = try XCTUnwrap(id, order)
            }
            // NetSuite numbers each sales order itself; read the numbers back.
            var numbers: [String: String] = [:]
            for (order, id) in ids {
                let (outcome, body) = await client.read("salesOrder", id: id)
                if case .done = outcome {} else { XCTFail("\(outcome)") }
                let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: XCTUnwrap(body)) as? [String: Any])
                numbers[order] = try XCTUnwrap(object["tranId"] as? String, "\(object)")
            }
            XCTAssertEqual(Set(numbers.values).count, 2, "each sales order has its own document number")
            XCTAssertTrue(numbers.values.allSatisfy { $0.hasPrefix("SO-") }, "\(numbers)")

            let lookup = ERPOrderLookup(client: client)
            for (order, number) in numbers {
                let byNumber = await lookup.orderKeys(for: number)
                XCTAssertEqual(byNumber, [order], number)
                let byID = await lookup.orderKeys(for: try XCTUnwrap(ids[order]))
                XCTAssertEqual(byID, [order])
            }
            let unknown = await lookup.orderKeys(for: "SO-1")
            XCTAssertEqual(unknown, [])
            let notANumber = await lookup.orderKeys(for: "so \"x\" OR 1")
            XCTAssertEqual(notANumber, [], "not shaped like a document number: nothing sent")
        } catch {
            await erp.simulator.stop()
            throw error
        }
        await erp.simulator.stop()
    }

    func testNeededAgainstExistingByTheERPsView() throws {
        let key = try XCTUnwrap(OrderKey("shopify:42"))
        let state = OrderState(
            key: key, dimensions: OrderDimensions(payment: .captured, fulfillment: .fulfilled),
            facts: OrderFacts(trackingNumbers: ["1ZA", "1ZB"], captureTransactionIDs: ["ch_1"]),
            position: EventPosition(sourceTimestamp: Date(), version: nil, eventID: "e1"), appliedEventIDs: ["e1"])
        let check = try XCTUnwrap(
            OrderEffectCheck(stored: StoredOrderState.record(state, version: 4, lastEventID: "e1"), matrix: .default))
        let absent = check.compare(view: nil)
        XCTAssertEqual(absent.map(\.kind), ["salesOrderStatus", "payment", "fulfilment", "fulfilment"])
        XCTAssertEqual(absent.filter(\.exists), [], "no sales order: nothing exists")

        let status = try XCTUnwrap(check.requirement.effects[0].status)
        var view = ERPView(salesOrderID: "1001", channelKey: key, status: status, dimensions: OrderDimensions())
        view.paymentReferences = ["ch_1"]
        view.trackingNumbers = ["1ZA"]
        let partly = check.compare(view: view)
        XCTAssertEqual(partly.map(\.exists), [true, true, true, false])
        XCTAssertEqual(partly.last?.subject, "tracking 1ZB")
    }
}
