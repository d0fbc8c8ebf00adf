import DriftlessTesting
import Foundation
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// Plain `driftless run` runs the reconciliation schedule when a storefront Admin API and the ERP are
/// configured (the marketplace reader shares the poller's LWA token and pacer); its findings and runs show on the process's `/metrics`, and what it injects flows
/// through the process's own stages into the ERP.
final class ReconcileInRunTests: XCTestCase {
    func testPlainRunReconcilesOnScheduleAndShowsItsMetrics() async throws {
        let storefront = try await StorefrontSimulator.start(
            graphQL: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: .infinity),
            logger: ReconcileJobTests.quiet("storefront"))
        let testERP = try await TestERP.start(logger: ReconcileJobTests.quiet("erp"))
        let erp = testERP.simulator
        let marketplace = try await MarketplaceSimulator.start(
            rate: 1000, burst: 1000, lwa: TestLWA.credentials, logger: ReconcileJobTests.quiet("marketplace"))
        defer {
            Task {
                await storefront.stop()
                await erp.stop()
                await marketplace.stop()
            }
        }
        // Paid on the storefront, its webhooks lost: the ERP never heard of it (Pattern 1).
        let missing = await storefront.store.createOrder(paid: true).id
        // Due a few seconds from now, once the process has started (the schedule has one-second resolution).
        let due = Int(Date().timeIntervalSince1970.rounded(.up)) % 86_400 + 10
        let fixture = try await PipelineFixture.start(broker: try TestBroker.mock()) {
            $0.erp = testERP.configuration()
            $0.reconcile.shopify = ShopifyAdminConfiguration(
                baseURL: storefront.server.baseURL, accessToken: Secret("shpat_test"))
            $0.reconcile.schedule = ReconcileSchedule(secondsOfDay: due)
            // The poller and the reconciliation's marketplace reader: one SP-API application.
            $0.poller = PollerConfiguration(baseURL: marketplace.server.baseURL)
            $0.amazonLWA = LWAConfiguration(
                tokenURL: marketplace.tokenURL, clientID: TestLWA.credentials.clientID,
                clientSecret: Secret(TestLWA.credentials.clientSecret),
                refreshToken: Secret(TestLWA.credentials.refreshToken))
            // The storefront simulator's clock starts on 2026-11-19.
            $0.reconcile.settings.window = .seconds(400 * 86_400)
        }
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let pattern = ReconcilePolicy.name(of: .checkoutDisconnect)
        let reconciled = try await eventually(timeout: .seconds(50)) {
            let text = try PrometheusText(try await getText(fixture.baseURL + "/metrics").text)
            return text.value("driftless_reconciliation_runs_total", ["result": "drift-found"]) == 1
                && text.value("driftless_mismatches_total", ["pattern": pattern]) == 1
        }
        XCTAssertTrue(reconciled, "the scheduled run's metrics appear on the process's /metrics")
        let text = try PrometheusText(try await getText(fixture.baseURL + "/metrics").text)
        XCTAssertNotNil(text.value("driftless_reconciliation_last_success_timestamp_seconds"))
        XCTAssertEqual(marketplace.authCounts.granted, 1, "the poller and the reconciliation share one LWA token")
        // The injected truth goes through validate → translate → dispatch of this process.
        let written = await eventually(timeout: .seconds(30)) {
            await erp.store.find(.salesOrder, id: "eid:so-shopify-\(missing)") != nil
        }
        XCTAssertTrue(written, "the corrected order reaches the ERP")
        try await fixture.stop()
    }

    func testRunSchedulesReconciliationOnlyWhenAChannelAndTheERPAreConfigured() throws {
        var configuration = PipelineConfiguration()
        XCTAssertFalse(ReconcileReaders.runsInPipeline(configuration))
        configuration.reconcile.shopify = ShopifyAdminConfiguration(
            baseURL: "https://shop.example", accessToken: Secret("shpat_x"))
        XCTAssertFalse(ReconcileReaders.runsInPipeline(configuration), "no ERP")
        configuration.erp = ERPConfiguration(baseURL: "https://erp.example", token: Secret("t"))
        XCTAssertTrue(ReconcileReaders.runsInPipeline(configuration))
        configuration.reconcile.inRun = false
        XCTAssertFalse(ReconcileReaders.runsInPipeline(configuration))
        let off = try ReconcileConfiguration.load(file: nil, environment: ["DRIFTLESS_RECONCILE_IN_RUN": "off"])
        XCTAssertEqual(off.inRun, false)
        XCTAssertThrowsError(
            try ReconcileConfiguration.load(file: nil, environment: ["DRIFTLESS_RECONCILE_IN_RUN": "maybe"]))
    }
}
