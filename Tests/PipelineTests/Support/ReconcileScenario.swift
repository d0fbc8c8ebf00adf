import Foundation
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// A storefront and an ERP seeded with every drift reconciliation must find: two orders in sync, one
/// of each of the five patterns and one "other drift". The ERP is written the way dispatch would have
/// written it from an earlier (or, for other drift, a made-up) state of the order; the storefront then
/// moves on without webhooks (dropped, or a change made by hand).
struct ReconcileScenario: Sendable {
    /// Order key → expected classification name (`in-sync` for orders in sync).
    var expected: [String: String] = [:]
    let store: StorefrontStore
    let sync: ERPSync
    let matrix: MappingMatrix
    let translator: ChannelTranslator

    init(store: StorefrontStore, sync: ERPSync) throws {
        self.store = store
        self.sync = sync
        matrix = try MappingMatrix.default
        translator = ChannelTranslator(matrix: matrix)
    }

    static let inSync = "in-sync"

    mutating func seed() async throws {
        for _ in 0..<2 {
            let id = try await paidOrder()
            try await seedERP(id)
            expected["shopify:\(id)"] = Self.inSync
        }
        let p1 = try await paidOrder()
        expected["shopify:\(p1)"] = ReconcilePolicy.name(of: .checkoutDisconnect)

        let p2 = try await paidOrder()
        try await seedERP(p2)
        _ = try await store.apply(.fulfill, to: p2)  // the orders/fulfilled webhook was dropped
        expected["shopify:\(p2)"] = ReconcilePolicy.name(of: .shipmentLag)

        let p3 = try await paidOrder()
        _ = try await store.apply(.fulfill, to: p3)
        try await seedERP(p3)
        try await store.edit(p3) { $0.returnStatus = "RETURN_REQUESTED" }
        expected["shopify:\(p3)"] = ReconcilePolicy.name(of: .returnDisconnect)

        let p4 = try await paidOrder()
        try await seedERP(p4)
        _ = try await store.apply(.cancel(reason: "customer"), to: p4)
        expected["shopify:\(p4)"] = ReconcilePolicy.name(of: .silentCancellation)

        let p5 = await store.createOrder(paid: false).id
        try await seedERP(p5)
        _ = try await store.apply(.pay, to: p5)
        try await addCapture(p5)
        expected["shopify:\(p5)"] = ReconcilePolicy.name(of: .paymentGap)

        // Other drift: the ERP shows the order shipped while the storefront has not shipped it. In
        // NetSuite an order shows fulfilled only through an item fulfilment, made per tracking number,
        // so the made-up state carries a shipment with one.
        let other = try await paidOrder()
        guard var shipped = await store.order(other) else { throw SimulatorError.unknownOrder(String(other)) }
        shipped.fulfillmentStatus = Nullable("fulfilled")
        let shipment = """
            {"id": \(other * 3), "order_id": \(other), "status": "success", "created_at": "\(shipped.createdAt)",
             "updated_at": "\(shipped.createdAt)", "tracking_company": "UPS", "tracking_number": "1ZOTHER\(other)",
             "tracking_numbers": ["1ZOTHER\(other)"], "tracking_url": "", "shipment_status": null,
             "line_item_ids": [\(shipped.lineItems.map { String($0.id) }.joined(separator: ","))]}
            """
        shipped.fulfillments = [
            try ShopifyOrderDocument.decoder.decode(ShopifyOrderDocument.Fulfillment.self, from: Data(shipment.utf8))
        ]
        try await seedERP(document: shipped)
        expected["shopify:\(other)"] = "other-drift"
    }

    /// A paid order with its capture transaction.
    func paidOrder() async throws -> Int64 {
        let id = await store.createOrder(paid: true).id
        try await addCapture(id)
        return id
    }

    func addCapture(_ id: Int64) async throws {
        try await store.edit(id) {
            $0.transactions = [
                .init(
                    id: id * 7, kind: "capture", status: "success", gateway: "stripe", authorization: "ch_\(id)",
                    amount: $0.totalPrice)
            ]
        }
    }

    func seedERP(_ id: Int64) async throws {
        guard let document = await store.order(id) else { throw SimulatorError.unknownOrder(String(id)) }
        try await seedERP(document: document)
    }

    /// Writes what dispatch would have written for `document` (version 0: any later change wins).
    func seedERP(document: ShopifyOrderDocument) async throws {
        try await SeededERP.write(shopify: document, sync: sync, matrix: matrix)
    }
}
