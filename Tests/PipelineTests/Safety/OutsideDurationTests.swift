import AsyncHTTPClient
import Foundation
import Logging
import Simulators
import Synchronization
import XCTest

@testable import Pipeline

/// Durations that come from outside (`Retry-After`, a throttle's cost and restore rate) are clamped
/// before they become a `Duration`: hostile values from a Slack hook or the Shopify Admin API never
/// trap the process (issue 25, item 1).
final class OutsideDurationTests: XCTestCase {
    /// Values a receiver may send: huge, not a number, negative, a date far away, an infinity.
    static let hostile = ["1e17", "nan", "-5", "Fri, 31 Dec 9999 23:59:59 GMT", "inf", "1e400", "-1e300"]

    func testTheHelperClampsEveryHostileValue() {
        let upper: Duration = .seconds(300)
        let now = Date()
        for text in Self.hostile {
            let seconds = RetryAfter.seconds(text, now: now)
            let wait = DurationSeconds.clamped(seconds, to: .zero...upper, otherwise: upper)
            XCTAssertTrue(wait >= .zero && wait <= upper, "\(text) → \(wait)")
        }
        XCTAssertEqual(DurationSeconds.clamped(1e17, to: .zero...upper, otherwise: .zero), upper)
        XCTAssertEqual(DurationSeconds.clamped(-5, to: .zero...upper, otherwise: upper), .zero)
        XCTAssertEqual(DurationSeconds.clamped(.nan, to: .zero...upper, otherwise: .seconds(7)), .seconds(7))
        XCTAssertEqual(DurationSeconds.clamped(nil, to: .zero...upper, otherwise: .seconds(7)), .seconds(7))
        XCTAssertEqual(DurationSeconds.clamped(1.5, to: .zero...upper, otherwise: .zero), .milliseconds(1500))
        XCTAssertEqual(
            ERPOutcome.classify(status: 429, retryAfter: "1e17"),
            .transient(status: 429, retryAfter: .seconds(3600), detail: ""))
    }

    func testASlackHookAnsweringHostileRetryAfterIsRetriedWithinTheClamp() async throws {
        let script = Self.hostile.map { AlertReceiver.Answer(status: 429, retryAfter: $0) }
        let receiver = try await AlertReceiver.start(script: script)
        var logger = Logger(label: "outside-duration")
        logger.logLevel = .critical
        let sender = AlertSender(
            client: .shared, maxAttempts: script.count + 1, initialBackoff: .milliseconds(10),
            maxRetryAfter: .milliseconds(50), logger: logger)
        let notice = AlertNotice(
            rule: .mismatches, severity: .high, transition: .fired, incident: 1, at: Date(),
            summary: "six mismatches")
        let outcome = await sender.send(notice, to: AlertDestination(kind: .slack, url: Secret(receiver.url)))
        await receiver.stop()
        XCTAssertEqual(outcome, .delivered(status: 200, attempts: script.count + 1))
        XCTAssertEqual(receiver.received.map(\.status), script.map(\.status) + [200])
    }

    func testShopifyAnsweringHostileRetryAfterWaitsAtMostTheConfiguredWait() async throws {
        // A 429 with each hostile `Retry-After`, then a body that is not a page (the read then fails cleanly).
        let script = Self.hostile.map { AlertReceiver.Answer(status: 429, retryAfter: $0) }
        let receiver = try await AlertReceiver.start(path: "/admin/api/2025-01/graphql.json", script: script)
        let base = String(receiver.url.dropLast("/admin/api/2025-01/graphql.json".count))
        let waits = Mutex<[Duration]>([])
        let reader = try ShopifyOrdersReader(
            configuration: ShopifyAdminConfiguration(
                baseURL: base, accessToken: Secret("shpat_test"), maxThrottleWait: .seconds(60)),
            stats: ReconcileAPIStats(), sleep: { wait in waits.withLock { $0.append(wait) } })
        do {
            for try await _ in reader.pages(updatedSince: .distantPast) {}
            XCTFail("a body that is not a page must fail")
        } catch let error as ReconcileReadError {
            XCTAssertEqual(error, .malformed(system: "storefront", detail: "not a JSON object"))
        }
        await receiver.stop()
        let seen = waits.withLock { $0 }
        XCTAssertEqual(seen.count, script.count, "one wait per 429")
        for wait in seen { XCTAssertTrue(wait >= .zero && wait <= .seconds(60), "\(wait)") }
        XCTAssertEqual(seen.first, .seconds(60), "1e17 s is clamped to the configured wait")
    }

    func testAShopifyThrottleWithAnAbsurdRestoreRateIsClamped() async throws {
        // The simulator's bucket is empty from the start and restores 1e-300 points a second: the
        // documented wait, (cost − available) / restoreRate, is about 1e302 s.
        let store = StorefrontStore()
        _ = await store.createOrder(paid: true)
        var quiet = Logger(label: "storefront")
        quiet.logLevel = .warning
        let simulator = try await StorefrontSimulator.start(
            store: store,
            graphQL: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: 1, restoreRate: 1e-300),
            logger: quiet)
        let waits = Mutex<[Duration]>([])
        let reader = try ShopifyOrdersReader(
            configuration: ShopifyAdminConfiguration(
                baseURL: simulator.server.baseURL, accessToken: Secret("shpat_test"), pageSize: 10,
                maxThrottleWait: .seconds(60)),
            stats: ReconcileAPIStats(), sleep: { wait in waits.withLock { $0.append(wait) } })
        do {
            for try await _ in reader.pages(updatedSince: .distantPast) {}
            XCTFail("a bucket that never restores must end the read")
        } catch let error as ReconcileReadError {
            XCTAssertEqual(error, .throttledTooLong(system: "storefront"))
        }
        await simulator.stop()
        let seen = waits.withLock { $0 }
        XCTAssertFalse(seen.isEmpty)
        XCTAssertTrue(seen.allSatisfy { $0 == .seconds(60) }, "\(seen.prefix(3))")
        let huge: [String: Any] = [
            "cost": [
                "requestedQueryCost": 1e308, "throttleStatus": ["currentlyAvailable": -1e308, "restoreRate": 1e-300],
            ]
        ]
        let throttled: [[String: Any]] = [["message": "Throttled", "extensions": ["code": "THROTTLED"]]]
        XCTAssertEqual(ShopifyOrdersReader.throttleWait(errors: throttled, extensions: huge), .seconds(3600))
    }
}
