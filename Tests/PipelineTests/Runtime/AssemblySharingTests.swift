import DriftlessTesting
import Foundation
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// Issue 27: one composition root per process. One `driftless run` with dispatch, retry and the
/// in-process reconciliation all busy at once asks the ERP for one OAuth 2.0 grant in the token's
/// lifetime and never has more than `erp.maxConcurrentRequests` requests at the ERP; the assembly built
/// each shared part once.
final class AssemblySharingTests: XCTestCase {
    func testOneRunMakesOneGrantAndStaysWithinTheConcurrencyLimit() async throws {
        let storefront = try await StorefrontSimulator.start(
            graphQL: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: .infinity),
            logger: ReconcileJobTests.quiet("storefront"))
        let testERP = try await TestERP.start(auth: .oauth2, faults: ERPFaults(seed: 27), tokenLifetime: 3600)
        let erp = testERP.simulator
        // Requests overlap (so the limit matters) and some fail (so the retry stage gets work).
        erp.faults.update {
            $0.latency = .milliseconds(15)
            $0.unavailableRatio = 0.1
        }
        defer {
            Task {
                await storefront.stop()
                await erp.stop()
            }
        }
        // Paid on the storefront, their webhooks lost: reconciliation finds them and injects them,
        // and the process's own stages write them while the reconciliation still reads.
        var created: [Int64] = []
        for _ in 0..<40 { created.append(await storefront.store.createOrder(paid: true).id) }
        let missing = created
        let limit = 3
        let due = Int(Date().timeIntervalSince1970.rounded(.up)) % 86_400 + 8
        let fixture = try await PipelineFixture.start(broker: try TestBroker.mock()) {
            $0.erp = testERP.configuration(maxConcurrentRequests: limit, requestTimeout: .seconds(5))
            var policy = DispatchRig.fastPolicy
            policy.maxAttempts = 1  // a failed write goes to the retry tiers at once
            $0.dispatch = policy
            $0.reconcile.shopify = ShopifyAdminConfiguration(
                baseURL: storefront.server.baseURL, accessToken: Secret("shpat_test"))
            $0.reconcile.schedule = ReconcileSchedule(secondsOfDay: due)
            $0.reconcile.settings.window = .seconds(400 * 86_400)  // the simulator's clock starts 2026-11-19
        }
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let runtime = fixture.runtime
        // Once dispatch is writing what reconciliation injected, the ERP is out for 2 s: the writes that
        // fail then go to the retry tiers (one attempt in place), so the retry stage has work for sure.
        let writing = await eventually(timeout: .seconds(60)) {
            await erp.store.allRecords().filter { $0.type == .salesOrder }.count >= 3
        }
        XCTAssertTrue(writing, "dispatch writes what reconciliation injected")
        erp.faults.update { $0.outageUntil = Date().addingTimeInterval(2) }
        let written = await eventually(timeout: .seconds(120)) {
            var found = 0
            for id in missing where await erp.store.find(.salesOrder, id: "eid:so-shopify-\(id)") != nil { found += 1 }
            return found == missing.count
        }
        XCTAssertTrue(written, "every order reconciliation injected reaches the ERP")
        let retried = await eventually(timeout: .seconds(30)) { (runtime.retry?.counters.snapshot.consumed ?? 0) > 0 }
        let granted = erp.tokenCounts.granted
        let highWater = erp.faults.concurrencyHighWaterMark
        let counts = runtime.assembly.counts
        try await fixture.stop()
        XCTAssertTrue(retried, "the retry stage had work (failed writes went through the retry tiers)")
        XCTAssertEqual(granted, 1, "one OAuth 2.0 grant for dispatch, retry and reconciliation")
        XCTAssertLessThanOrEqual(highWater, limit, "never more than erp.maxConcurrentRequests at the ERP")
        XCTAssertGreaterThan(highWater, 1, "the process's ERP users did overlap")
        XCTAssertEqual(counts.erpClients, 1)
        XCTAssertEqual(counts.matrixLoads, 1)
        XCTAssertEqual(counts.producers, 1)
        XCTAssertEqual(counts.channelReaderSets, 1)
    }

    func testTheAssemblyBuildsEachSharedPartOnce() throws {
        var configuration = PipelineConfiguration()
        configuration.erp = ERPConfiguration(baseURL: "http://127.0.0.1:9", token: Secret("t"))
        configuration.poller = PollerConfiguration(baseURL: "http://127.0.0.1:9")
        let assembly = try Assembly(configuration: configuration, logger: .init(label: "assembly-test"))
        let first = try XCTUnwrap(try assembly.erpAccess())
        let second = try XCTUnwrap(try assembly.erpAccess())
        XCTAssertTrue(first === second, "one ERP access")
        XCTAssertTrue(first.gate === second.gate, "one breaker")
        XCTAssertEqual(
            first.configuration.content, try assembly.matrix().content, "the ERP carries the matrix's content rules")
        _ = try assembly.channelReaders()
        _ = try assembly.channelReaders()
        XCTAssertNotNil(try assembly.erpViewReader())
        let counts = assembly.counts
        XCTAssertEqual(counts.erpClients, 1)
        XCTAssertEqual(counts.matrixLoads, 1)
        XCTAssertEqual(counts.marketplaceAccesses, 1)
        XCTAssertEqual(counts.channelReaderSets, 1)
        XCTAssertEqual(counts.producers, 0, "nothing asked for a producer: none is opened")
    }

    func testAnInvalidConfigurationIsRefusedBeforeAnythingIsBuilt() {
        var configuration = PipelineConfiguration()
        configuration.ingestPort = 70_000
        XCTAssertThrowsError(try Assembly(configuration: configuration, logger: .init(label: "assembly-test"))) {
            XCTAssertEqual(
                $0 as? PipelineConfigurationError, .invalidValue(field: "ingest.port", value: "70000"))
        }
    }
}
