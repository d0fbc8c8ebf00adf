import Foundation
import Kafka
import Ledger
import Simulators
import XCTest

@testable import Pipeline

/// Reconciliation reads getOrders as the poller does: with the poller's LWA token (one provider,
/// one cached token for both) and within the poller's pacing (one usage plan for both).
final class MarketplaceReaderAuthTests: XCTestCase {
    /// The poller reads a window, then the reader reads the same orders with the same token (no
    /// second grant) and the same pacer (no 429 across both, though together they exceed the burst).
    /// Without a token the marketplace refuses the reader (403); a token it drops early is replaced
    /// once without a failed read; a revoked refresh token fails the read as `unauthorized`.
    func testTheReaderSendsThePollersTokenWithinItsPacing() async throws {
        let rig = try await PollerRig.start(seed: 26)
        defer { rig.removeDirectory() }
        let clock = rig.clock
        let marketplace = try await MarketplaceSimulator.start(
            store: rig.store, rate: 5, burst: 3, lwa: TestLWA.credentials, now: { clock.now })
        let tokens = TestLWA.provider(marketplace, now: { clock.now })
        let pacer = RequestPacer(rate: 4.5, burst: 3)
        var settings = PollerConfiguration(baseURL: marketplace.server.baseURL, pageSize: 50)
        settings.initialLookbackSeconds = 2 * 3600
        let poller = MarketplacePoller(
            configuration: settings, topics: rig.topics, sink: rig.producer, audit: DiscardingAuditSink(),
            checkpoints: LedgerPollerCheckpointStore(store: rig.ledger), now: { clock.now }, tokens: tokens,
            pacer: pacer)
        let window = try await XCTUnwrapAsync(try await poller.pollWindow())
        XCTAssertEqual(window.records, 250)

        let stats = ReconcileAPIStats()
        func reader(_ tokens: LWATokenProvider?) -> MarketplaceOrdersReader {
            MarketplaceOrdersReader(
                baseURL: marketplace.server.baseURL, marketplaceID: settings.marketplaceID, pageSize: 100,
                stats: stats, tokens: tokens, pacer: pacer)
        }
        func readAll(_ reader: MarketplaceOrdersReader) async throws -> [String] {
            var keys: [String] = []
            var cursor: String?
            repeat {
                let page = try await reader.page(
                    since: rig.t0.addingTimeInterval(-7200), until: rig.t0.addingTimeInterval(-120), cursor: cursor)
                keys += page.orders.map { $0.key.orderID }
                cursor = page.next
            } while cursor != nil
            return keys
        }
        let read = try await readAll(reader(tokens))
        XCTAssertEqual(Set(read), Set(rig.ids), "every order once")
        XCTAssertEqual(read.count, 250)
        XCTAssertEqual(marketplace.authCounts.granted, 1, "the poller's token served the reader")
        XCTAssertEqual(marketplace.authCounts.unauthorized, 0)
        XCTAssertEqual(marketplace.requestCounts.throttled, 0, "one pacer for both: never over the plan")

        do {
            _ = try await readAll(reader(nil))
            XCTFail("read without a token")
        } catch let error as ReconcileReadError {
            XCTAssertEqual(error, .unauthorized(system: "marketplace", status: 403))
        }
        XCTAssertEqual(marketplace.authCounts.unauthorized, 1)

        marketplace.expireAccessTokens()
        let again = try await readAll(reader(tokens))
        XCTAssertEqual(again.count, 250, "a dropped token is replaced without a failed read")
        XCTAssertEqual(marketplace.authCounts.granted, 2)
        XCTAssertEqual(marketplace.authCounts.unauthorized, 2)

        marketplace.revokeRefreshToken()
        marketplace.expireAccessTokens()
        do {
            _ = try await readAll(reader(tokens))
            XCTFail("read with a revoked authorization")
        } catch let error as ReconcileReadError {
            XCTAssertEqual(error, .unauthorized(system: "marketplace", status: 400), "the refresh was refused")
        }
        XCTAssertEqual(marketplace.authCounts.refused, 1)
        XCTAssertEqual(marketplace.requestCounts.throttled, 0)
        await marketplace.stop()
        await rig.producer.close()
        await rig.ledger.close()
    }
}
