import Foundation
import Synchronization
import XCTest

@testable import Simulators

/// The ERP simulator's indexed `transaction` table answers every SuiteQL query of the subset exactly
/// as a scan of every record does, whatever writes came before (creates, upserts that change indexed
/// columns, transforms that change a sales order's derived status, record actions).
final class ERPTransactionTableTests: XCTestCase {
    func testIndexedQueriesAnswerAsAFullScanAfterRandomWrites() async throws {
        for seed in UInt64(1)...12 {
            var random = SeededRandom(seed: seed)
            let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
            let store = ERPStore(now: {
                clock.withLock { now in
                    now.addTimeInterval(0.25)
                    return now
                }
            })
            var orders: [String] = []
            for step in 0..<160 {
                try await Self.write(step: step, into: store, orders: &orders, random: &random)
                guard step % 8 == 7 else { continue }
                for _ in 0..<6 {
                    let text = Self.query(orders: orders, random: &random)
                    let query = try ERPSuiteQL(parsing: text)
                    let scanned = query.rows(await store.allRecords().map(ERPSuiteQL.row))
                    let indexed = query.rows(await store.transactionCandidates(for: query))
                    XCTAssertEqual(indexed, scanned, "seed \(seed), step \(step): \(text)")
                }
            }
        }
    }

    /// A sales order whose derived status moved is found under its new status only.
    func testAStatusChangeMovesTheRowInTheIndex() async throws {
        let store = ERPStore()
        var order = ERPWriteBody()
        order.orderStatus = "B"
        let (made, _) = try await store.upsert(.salesOrder, externalId: "so-1", body: order)
        let pendingFulfilment = try ERPSuiteQL(parsing: "SELECT id FROM transaction WHERE status = 'B'")
        let before = await store.transactionCandidates(for: pendingFulfilment)
        XCTAssertEqual(pendingFulfilment.rows(before).count, 1)
        try await store.transform(from: .salesOrder, id: made.id, to: .itemFulfillment, body: ERPWriteBody())
        let billable = try ERPSuiteQL(parsing: "SELECT id FROM transaction WHERE status = 'F' AND type = 'SalesOrd'")
        let found = await store.transactionCandidates(for: billable)
        XCTAssertEqual(billable.rows(found), [["id": made.id]])
        let after = await store.transactionCandidates(for: pendingFulfilment)
        XCTAssertEqual(after.count, 0)
    }

    private static func write(
        step: Int, into store: ERPStore, orders: inout [String], random: inout SeededRandom
    ) async throws {
        let choice = orders.isEmpty ? 0 : Int.random(in: 0..<6, using: &random)
        let order = orders.randomElement(using: &random) ?? ""
        var body = ERPWriteBody()
        body.fields["custbody_driftless_order"] = "so-\(Int.random(in: 0..<12, using: &random))"
        body.fields["custbody_driftless_version"] = String(Int.random(in: 1..<5, using: &random))
        switch choice {
        case 0, 1:  // an upsert by external id: a new order or a change of an existing one's indexed columns
            body.orderStatus = Bool.random(using: &random) ? "A" : "B"
            let (record, _) = try await store.upsert(
                .salesOrder, externalId: "so-\(Int.random(in: 0..<12, using: &random))", body: body)
            if !orders.contains(record.id) { orders.append(record.id) }
        case 2:  // a fulfilment with tracking numbers (derived status D/F)
            body.trackingNumbers = ["1Z\(step)"]
            body.linesReceived = [Bool.random(using: &random)]
            _ = try? await store.transform(from: .salesOrder, id: order, to: .itemFulfillment, body: body)
        case 3:
            body.salesOrder = order
            body.fields["custbody_driftless_effect"] = "deposit-\(step)"
            _ = try await store.create(.customerDeposit, body: body)
        case 4:
            _ = try? await store.act(.salesOrder, id: order, action: Bool.random(using: &random) ? "cancel" : "close")
        default:
            _ = try? await store.transform(from: .salesOrder, id: order, to: .invoice, body: body)
        }
    }

    /// A random query of the subset, over the columns Driftless and the simulator's tests select by.
    private static func query(orders: [String], random: inout SeededRandom) -> String {
        let ids = orders.isEmpty ? ["1001"] : orders
        func pick(_ values: [String]) -> String { values.randomElement(using: &random) ?? "" }
        func order() -> String { "so-\(Int.random(in: 0..<12, using: &random))" }
        var chosen: [String] = []
        for _ in 0..<Int.random(in: 0..<4, using: &random) {
            switch Int.random(in: 0..<9, using: &random) {
            case 0: chosen.append("type = '\(pick(["SalesOrd", "ItemShip", "CustDep", "CustInvc"]))'")
            case 1: chosen.append("externalid IN ('\(order())', '\(order())')")
            case 2: chosen.append("createdfrom IN ('\(pick(ids))', '\(pick(ids))')")
            case 3: chosen.append("salesorder = '\(pick(ids))'")
            case 4: chosen.append("status = '\(pick(["A", "B", "C", "D", "F", "G", "H"]))'")
            case 5: chosen.append("custbody_driftless_order IN ('\(order())')")
            case 6: chosen.append("custbody_driftless_version >= '\(Int.random(in: 1..<5, using: &random))'")
            case 7:
                chosen.append("lastmodifieddate >= '2027-01-15T08:0\(Int.random(in: 0..<3, using: &random)):00.000Z'")
            default: chosen.append("id = '\(pick(ids))'")
            }
        }
        let connective = Bool.random(using: &random) ? " AND " : " OR "
        let orderBy = Bool.random(using: &random) ? " ORDER BY lastmodifieddate, id" : ""
        let filter = chosen.isEmpty ? "" : " WHERE " + chosen.joined(separator: connective)
        return "SELECT id, type, status, externalid, createdfrom FROM transaction" + filter + orderBy
    }
}
