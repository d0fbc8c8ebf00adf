import Foundation
import Logging
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// A refund whose webhook was lost still reaches reconciliation: the GraphQL Admin API's
/// `Order.refunds` is read, so the snapshot carries the refund and its credit memo can follow
/// (issue 25, item 7).
final class ShopifyRefundSnapshotTests: XCTestCase {
    func testALostRefundWebhookStillShowsInTheReconcileSnapshot() async throws {
        let store = StorefrontStore()
        let (id, _) = await store.createOrder(paid: true)
        _ = try await store.apply(.fulfill, to: id)
        // The refund's webhooks are never delivered.
        _ = try await store.apply(.refund(full: false), to: id)
        guard let refund = await store.order(id)?.refunds.first else { return XCTFail("no refund in the store") }
        var quiet = Logger(label: "storefront")
        quiet.logLevel = .warning
        let simulator = try await StorefrontSimulator.start(
            store: store, graphQL: StorefrontGraphQLSettings(accessToken: "shpat_test"), logger: quiet)
        let reader = try ShopifyOrdersReader(
            configuration: ShopifyAdminConfiguration(
                baseURL: simulator.server.baseURL, accessToken: Secret("shpat_test"), pageSize: 10),
            stats: ReconcileAPIStats())
        var snapshots: [ChannelOrderSnapshot] = []
        do {
            for try await page in reader.pages(updatedSince: .distantPast) { snapshots += page }
        } catch {
            XCTFail("read failed: \(error)")
        }
        await simulator.stop()
        XCTAssertEqual(snapshots.count, 1)
        guard let snapshot = snapshots.first else { return }
        let order = try ShopifyOrder.decode(from: snapshot.payload)
        XCTAssertEqual(order.refunds.map(\.id), [String(refund.id)], "the refund id is in the snapshot")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(snapshot.payload)) as? [String: Any])
        let refunds = try XCTUnwrap(json["refunds"] as? [[String: Any]])
        let transactions = try XCTUnwrap(refunds.first?["transactions"] as? [[String: Any]])
        XCTAssertEqual(transactions.first?["amount"] as? String, refund.amount)
        XCTAssertEqual(transactions.first?["kind"] as? String, "refund")
        XCTAssertEqual(refunds.first?["created_at"] as? String, refund.createdAt)
        // What dispatch plans from: the credit memo's subject is the refund id.
        let observation = try ChannelTranslator(matrix: try MappingMatrix.default)
            .translate(channel: .shopify, payload: snapshot.payload, eventID: nil)
        XCTAssertEqual(observation.facts.refundIDs, [String(refund.id)])
    }
}
