import Foundation
import Logging
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// Storefront reads for reconciliation through the GraphQL Admin API of the storefront simulator:
/// cursor pagination, cost-based throttling, the access token, `errors` bodies.
final class ShopifyOrdersReaderTests: XCTestCase {
    private func reader(
        _ simulator: StorefrontSimulator, token: String = "shpat_test", pageSize: Int = 100,
        stats: ReconcileAPIStats = ReconcileAPIStats()
    ) throws -> ShopifyOrdersReader {
        try ShopifyOrdersReader(
            configuration: ShopifyAdminConfiguration(
                baseURL: simulator.server.baseURL, accessToken: Secret(token), pageSize: pageSize),
            stats: stats)
    }

    private func seeded(_ count: Int, settings: StorefrontGraphQLSettings) async throws -> StorefrontSimulator {
        let store = StorefrontStore()
        for index in 0..<count { _ = await store.createOrder(paid: index % 2 == 0) }
        var quiet = Logger(label: "storefront")
        quiet.logLevel = .warning
        return try await StorefrontSimulator.start(store: store, graphQL: settings, logger: quiet)
    }

    func testPaginationOverAThousandOrdersReturnsEachExactlyOnce() async throws {
        let simulator = try await seeded(
            1000, settings: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: .infinity))
        defer { Task { await simulator.stop() } }
        let stats = ReconcileAPIStats()
        var seen: [String: Int] = [:]
        var pages = 0
        var previous = Date.distantPast
        for try await page in try reader(simulator, stats: stats).pages(updatedSince: .distantPast) {
            pages += 1
            XCTAssertLessThanOrEqual(page.count, 100)
            for order in page {
                seen[order.key.orderID, default: 0] += 1
                XCTAssertGreaterThanOrEqual(order.updatedAt, previous, "sorted by updated_at")
                previous = order.updatedAt
            }
        }
        let expected = Set(await simulator.store.allOrders().map { String($0.id) })
        XCTAssertEqual(Set(seen.keys), expected)
        XCTAssertEqual(seen.values.filter { $0 != 1 }.count, 0, "every order exactly once")
        XCTAssertEqual(pages, 10)
        XCTAssertEqual(stats.calls["storefront"], 10)
        XCTAssertEqual(stats.waits["storefront"] ?? 0, 0)
    }

    func testSnapshotsAreRESTShapedOrdersTheTranslatorReads() async throws {
        let simulator = try await seeded(0, settings: StorefrontGraphQLSettings(accessToken: "shpat_test"))
        defer { Task { await simulator.stop() } }
        let (id, _) = await simulator.store.createOrder(paid: true)
        _ = try await simulator.store.apply(.fulfill, to: id)
        try await simulator.store.edit(id) {
            $0.returnStatus = "RETURN_REQUESTED"
            $0.transactions = [
                .init(
                    id: 9, kind: "capture", status: "success", gateway: "stripe", authorization: "ch_9", amount: "10.00"
                )
            ]
        }
        var snapshots: [ChannelOrderSnapshot] = []
        for try await page in try reader(simulator).pages(updatedSince: .distantPast) { snapshots += page }
        XCTAssertEqual(snapshots.count, 1)
        let observation = try ChannelTranslator(matrix: try MappingMatrix.default)
            .translate(channel: .shopify, payload: try XCTUnwrap(snapshots.first).payload, eventID: nil)
        XCTAssertEqual(observation.key, OrderKey(channel: .shopify, orderID: String(id)))
        XCTAssertEqual(observation.dimensions.payment, .captured)
        XCTAssertEqual(observation.dimensions.fulfillment, .fulfilled)
        XCTAssertEqual(observation.dimensions.returns, .initiated)
        XCTAssertEqual(observation.facts.captureTransactionIDs, ["ch_9"])
        XCTAssertEqual(observation.facts.trackingNumbers.count, 1)
    }

    func testThrottledResponseWaitsForTheRestoreRateAndContinues() async throws {
        // A bucket of 150 points restoring 25/s; each page of 100 costs 102: a query sent within 2 s of
        // the one before is throttled (a slow rate, so that a loaded machine still sends the next page
        // before the bucket refills).
        let simulator = try await seeded(
            300, settings: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: 150, restoreRate: 25)
        )
        defer { Task { await simulator.stop() } }
        let stats = ReconcileAPIStats()
        var ids = Set<String>()
        var count = 0
        for try await page in try reader(simulator, stats: stats).pages(updatedSince: .distantPast) {
            count += page.count
            ids.formUnion(page.map(\.key.orderID))
        }
        XCTAssertEqual(count, 300)
        XCTAssertEqual(ids.count, 300)
        XCTAssertGreaterThan(simulator.throttledGraphQLRequests, 0, "the simulator answered THROTTLED")
        XCTAssertEqual(stats.waits["storefront"], simulator.throttledGraphQLRequests, "each throttle waited out")
        XCTAssertEqual(stats.calls["storefront"], 3 + simulator.throttledGraphQLRequests)
    }

    func testMissingOrWrongAccessTokenIsRefused() async throws {
        let simulator = try await seeded(3, settings: StorefrontGraphQLSettings(accessToken: "shpat_test"))
        defer { Task { await simulator.stop() } }
        do {
            for try await _ in try reader(simulator, token: "shpat_wrong").pages(updatedSince: .distantPast) {}
            XCTFail("a wrong token must fail")
        } catch let error as ReconcileReadError {
            XCTAssertEqual(error, .unauthorized(system: "storefront", status: 401))
        }
        XCTAssertThrowsError(try reader(simulator, token: "  ")) { error in
            XCTAssertEqual(error as? PipelineConfigurationError, .emptySecret(setting: "reconcile.shopify.accessToken"))
        }
    }

    func testErrorsBodyWithHTTP200IsAFailureUnlessThrottled() throws {
        let throttled: [[String: Any]] = [["message": "Throttled", "extensions": ["code": "THROTTLED"]]]
        let extensions: [String: Any] = [
            "cost": ["requestedQueryCost": 102, "throttleStatus": ["currentlyAvailable": 2, "restoreRate": 50]]
        ]
        XCTAssertEqual(ShopifyOrdersReader.throttleWait(errors: throttled, extensions: extensions), .seconds(2))
        let other: [[String: Any]] = [["message": "Field 'x' doesn't exist on type 'Order'"]]
        XCTAssertNil(ShopifyOrdersReader.throttleWait(errors: other, extensions: extensions))
        XCTAssertEqual(ShopifyOrdersReader.firstMessage(other), "Field 'x' doesn't exist on type 'Order'")
        XCTAssertThrowsError(try ShopifyOrdersReader.read(["data": NSNull()]))
    }
}
