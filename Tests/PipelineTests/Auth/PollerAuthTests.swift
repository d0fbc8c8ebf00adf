import Foundation
import Kafka
import Ledger
import Simulators
import XCTest

@testable import Pipeline

/// The marketplace poller on SP-API's rules: LWA access tokens on every call (refreshed ahead of
/// expiry and once after a refusal), a revoked authorization stopping it with readiness off and the
/// checkpoint where it was, and requests paced to the usage plan.
final class PollerAuthTests: XCTestCase {
    static let lwa = LWASimulatorCredentials(
        clientID: "amzn1.application-oa2-client.sim", clientSecret: "lwa-secret", refreshToken: "Atzr|refresh")

    func provider(_ marketplace: MarketplaceSimulator, clock: TestClock) -> LWATokenProvider {
        LWATokenProvider(
            configuration: LWAConfiguration(
                tokenURL: marketplace.tokenURL, clientID: Self.lwa.clientID,
                clientSecret: Secret(Self.lwa.clientSecret),
                refreshToken: Secret(Self.lwa.refreshToken)),
            now: { clock.now })
    }

    func configuration(_ marketplace: MarketplaceSimulator) -> PollerConfiguration {
        var configuration = PollerConfiguration(baseURL: marketplace.server.baseURL, pageSize: 20)
        configuration.initialLookbackSeconds = 2 * 3600
        configuration.rateLimitPerSecond = 1000
        configuration.rateLimitBurst = 1000
        return configuration
    }

    /// The simulator invalidates the token after three calls of a 13-page window: the fourth call
    /// is refused once, the poller refreshes and goes on — the window completes with every order.
    /// Later a token about to expire is replaced before the call (no refusal at all).
    func testATokenExpiringMidRunIsRefreshedWithoutAFailedCall() async throws {
        let rig = try await PollerRig.start(seed: 21)
        defer { rig.removeDirectory() }
        let clock = rig.clock
        let marketplace = try await MarketplaceSimulator.start(
            store: rig.store, rate: 1000, burst: 1000, lwa: Self.lwa, now: { clock.now })
        let tokens = provider(marketplace, clock: clock)
        let poller = MarketplacePoller(
            configuration: configuration(marketplace), topics: rig.topics, sink: rig.producer,
            audit: DiscardingAuditSink(), checkpoints: LedgerPollerCheckpointStore(store: rig.ledger),
            now: { clock.now }, tokens: tokens)
        marketplace.expireAccessTokens(afterRequests: 3)
        let window = try await XCTUnwrapAsync(try await poller.pollWindow())
        XCTAssertEqual(window.records, 250)
        XCTAssertEqual(window.pages, 13)
        XCTAssertEqual(marketplace.authCounts.unauthorized, 1, "one refusal, answered by a refresh")
        XCTAssertEqual(marketplace.authCounts.granted, 2)

        // 59 minutes later the cached token (3600 s) is inside the refresh margin: replaced first.
        clock.advance(by: 3570)
        _ = try await poller.pollWindow()
        XCTAssertEqual(marketplace.authCounts.granted, 3)
        XCTAssertEqual(marketplace.authCounts.unauthorized, 1, "no call went out with a stale token")
        let refreshes = await tokens.refreshes
        XCTAssertEqual(refreshes, 3)
        await marketplace.stop()
        await rig.producer.close()
        await rig.ledger.close()
    }

    /// A revoked authorization: the token is refused, the refresh is refused (`invalid_grant`), the
    /// poller stops by itself with the reason, readiness turns off, and the checkpoint stays where
    /// the last good window left it (the changes since are read after new credentials).
    func testARevokedRefreshTokenStopsThePollerWithReadinessOff() async throws {
        let rig = try await PollerRig.start(seed: 22)
        defer { rig.removeDirectory() }
        let clock = rig.clock
        let marketplace = try await MarketplaceSimulator.start(
            store: rig.store, rate: 1000, burst: 1000, lwa: Self.lwa, now: { clock.now })
        let checkpoints = LedgerPollerCheckpointStore(store: rig.ledger)
        let health = HealthState()
        health.markStarted()
        let poller = MarketplacePoller(
            configuration: configuration(marketplace), topics: rig.topics, sink: rig.producer,
            audit: DiscardingAuditSink(), checkpoints: checkpoints, now: { clock.now },
            tokens: provider(marketplace, clock: clock), health: health)
        _ = try await poller.pollWindow()
        let before = try await checkpoints.load("amazon")
        XCTAssertEqual(before, rig.t0.addingTimeInterval(-120))
        XCTAssertTrue(health.readiness.ready)

        clock.advance(by: 600)
        try await rig.store.setStatus("Shipped", of: rig.ids[0], at: rig.t0.addingTimeInterval(60))
        marketplace.revokeRefreshToken()
        marketplace.expireAccessTokens()
        await poller.run()  // returns by itself: the credentials are refused

        let reason = await poller.stoppedBecause
        guard case .credentialsRejected(let text)? = reason else { return XCTFail("\(String(describing: reason))") }
        XCTAssertTrue(text.contains("invalid_grant"), text)
        XCTAssertFalse(text.contains(Self.lwa.refreshToken) || text.contains(Self.lwa.clientSecret))
        XCTAssertEqual(health.readiness.ready, false)
        XCTAssertEqual(health.readiness.detail, "credentials-rejected")
        let after = try await checkpoints.load("amazon")
        XCTAssertEqual(after, before, "nothing skipped: the checkpoint did not move")
        XCTAssertEqual(marketplace.authCounts.refused, 1)
        await marketplace.stop()
        await rig.producer.close()
        await rig.ledger.close()
    }

    /// Tokens SP-API keeps refusing (here: issued by another marketplace's endpoint, as with a
    /// wrong region): one refresh, a second 403, then the poller stops loudly — `unauthorized`,
    /// readiness off, no checkpoint written.
    func testASecondRefusalAfterARefreshStopsThePoller() async throws {
        let rig = try await PollerRig.start(seed: 24)
        defer { rig.removeDirectory() }
        let clock = rig.clock
        let issuer = try await MarketplaceSimulator.start(lwa: Self.lwa, now: { clock.now })
        let marketplace = try await MarketplaceSimulator.start(
            store: rig.store, rate: 1000, burst: 1000, lwa: Self.lwa, now: { clock.now })
        let checkpoints = LedgerPollerCheckpointStore(store: rig.ledger)
        let health = HealthState()
        health.markStarted()
        let tokens = provider(issuer, clock: clock)
        let poller = MarketplacePoller(
            configuration: configuration(marketplace), topics: rig.topics, sink: rig.producer,
            audit: DiscardingAuditSink(), checkpoints: checkpoints, now: { clock.now }, tokens: tokens, health: health)
        await poller.run()

        let reason = await poller.stoppedBecause
        guard case .unauthorized(403, let body)? = reason else { return XCTFail("\(String(describing: reason))") }
        XCTAssertTrue(body.contains("refused again after a refresh") && body.contains("Unauthorized"), body)
        XCTAssertEqual(marketplace.authCounts.unauthorized, 2, "refused, refreshed once, refused again")
        XCTAssertEqual(issuer.authCounts.granted, 2)
        XCTAssertEqual(health.readiness.detail, "credentials-rejected")
        let checkpoint = try await checkpoints.load("amazon")
        XCTAssertNil(checkpoint, "nothing read, nothing skipped")
        await issuer.stop()
        await marketplace.stop()
        await rig.producer.close()
        await rig.ledger.close()
    }

    /// The report: a poller with no LWA credentials against an SP-API that requires them
    /// stops at the first 403 and says what is missing (it used to retry forever).
    func testAPollerWithoutCredentialsStopsNamingWhatIsMissing() async throws {
        let rig = try await PollerRig.start(seed: 25)
        defer { rig.removeDirectory() }
        let clock = rig.clock
        let marketplace = try await MarketplaceSimulator.start(
            store: rig.store, rate: 1000, burst: 1000, lwa: Self.lwa, now: { clock.now })
        let health = HealthState()
        health.markStarted()
        let poller = MarketplacePoller(
            configuration: configuration(marketplace), topics: rig.topics, sink: rig.producer,
            audit: DiscardingAuditSink(), checkpoints: LedgerPollerCheckpointStore(store: rig.ledger),
            now: { clock.now }, health: health)
        await poller.run()
        let reason = await poller.stoppedBecause
        guard case .unauthorized(403, let body)? = reason else { return XCTFail("\(String(describing: reason))") }
        XCTAssertTrue(body.contains("no LWA credentials configured"), body)
        XCTAssertEqual(marketplace.authCounts.unauthorized, 1)
        XCTAssertFalse(health.readiness.ready)
        await marketplace.stop()
        await rig.producer.close()
        await rig.ledger.close()
    }

    /// Paced to the plan (5/s, burst 3 — SP-API's getOrders is 0.0167/s, burst 20) the poller
    /// reads 13 pages without one 429; unpaced against the same plan it is throttled.
    func testRequestsArePacedToTheUsagePlan() async throws {
        let rig = try await PollerRig.start(seed: 23)
        defer { rig.removeDirectory() }
        let clock = rig.clock
        var throttled: [Int] = []
        for paced in [true, false] {
            let marketplace = try await MarketplaceSimulator.start(
                store: rig.store, rate: 5, burst: 3, now: { clock.now })
            var settings = configuration(marketplace)
            settings.name = paced ? "paced" : "unpaced"
            settings.initialBackoffSeconds = 0.05
            settings.maxBackoffSeconds = 0.5
            if paced {
                settings.rateLimitPerSecond = 4.5
                settings.rateLimitBurst = 3
            }
            let poller = MarketplacePoller(
                configuration: settings, topics: rig.topics, sink: rig.producer, audit: DiscardingAuditSink(),
                checkpoints: LedgerPollerCheckpointStore(store: rig.ledger), now: { clock.now })
            let window = try await XCTUnwrapAsync(try await poller.pollWindow())
            XCTAssertEqual(window.records, 250)
            throttled.append(marketplace.requestCounts.throttled)
            await marketplace.stop()
        }
        XCTAssertEqual(throttled[0], 0, "paced: never refused")
        XCTAssertGreaterThan(throttled[1], 0, "unpaced: the same plan refuses some calls")
        await rig.producer.close()
        await rig.ledger.close()
    }
}
