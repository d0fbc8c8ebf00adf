import Foundation
import Ledger
import XCTest

/// Orders found by any id (`OrderLocator`, `OrderMentionStore`) on every backend: a tracking number and a
/// payment id in the stored facts, the Shopify name at the end of an intake row's detail, a bare order
/// id, an order key; look-alikes (a longer number, a LIKE wildcard) find nothing.
extension LedgerConformance {
    func ordersAreFoundByAnyID() async throws {
        let (store, _) = try await open()
        defer { Task { await store.close() } }
        let facts = """
            {"facts":{"captureTransactionIDs":["ch_3Pq"],"refundIDs":[],"trackingNumbers":["1Z999AA10000000042"]},\
            "payment":"paid"}
            """
        _ = try await store.saveStates([
            OrderStateRecord(
                orderKey: "shopify:5600000000042", system: "shopify", state: "SHIPPED", dimensionsJSON: facts,
                version: 1),
            OrderStateRecord(
                orderKey: "amazon:114-3941689-8772232", system: "amazon", state: "PAID", dimensionsJSON: "{}",
                version: 1),
        ])
        try await store.append([
            AuditRecord(
                hop: .received, orderKey: "shopify:5600000000042", eventID: "w-1", stage: "ingest",
                detail: "orders/paid #1013", traceID: "shopify-event-77"),
            AuditRecord(
                hop: .received, orderKey: "shopify:5600000000043", eventID: "w-2", stage: "ingest",
                detail: "orders/paid #10130"),
        ])
        let locator = OrderLocator(store: store)
        let expectations: [(String, [String])] = [
            ("#1013", ["shopify:5600000000042"]),
            ("1013", ["shopify:5600000000042"]),
            ("1Z999AA10000000042", ["shopify:5600000000042"]),
            ("ch_3Pq", ["shopify:5600000000042"]),
            ("shopify-event-77", ["shopify:5600000000042"]),
            ("shopify:5600000000042", ["shopify:5600000000042"]),
            ("5600000000042", ["shopify:5600000000042"]),
            ("114-3941689-8772232", ["amazon:114-3941689-8772232"]),
            ("#10130", ["shopify:5600000000043"]),
            ("1Z999AA1000000004", []),
            ("ch\\_3Pq", []),
            ("%", []),
            ("_", []),
            ("  ", []),
        ]
        for (identifier, keys) in expectations {
            let found = try await locator.orderKeys(for: identifier)
            XCTAssertEqual(found, keys, "\(identifier)")
        }
    }
}
