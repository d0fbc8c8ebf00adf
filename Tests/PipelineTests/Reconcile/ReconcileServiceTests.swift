import Foundation
import Ledger
import Logging
import OrderModel
import ServiceLifecycle
import Simulators
import Synchronization
import XCTest

@testable import Pipeline

/// The built-in schedule as a `Service`: runs at the time of day, then waits for the next day until
/// graceful shutdown.
final class ReconcileServiceTests: XCTestCase {
    func testRunsAtTheScheduledTimeAndStopsOnGracefulShutdown() async throws {
        let rig = try await ReconcileJobTests.rig(
            graphQL: StorefrontGraphQLSettings(accessToken: "shpat_test", maximumAvailable: .infinity))
        defer { Task { await rig.stop() } }
        let ledger = try await Ledger.open(url: "sqlite::memory:")
        defer { Task { await ledger.close() } }
        let now = await rig.storefront.store.now().addingTimeInterval(60)
        let job = try ReconcileJobTests.job(
            rig, ledger: try XCTUnwrap(ledger as? any ReconcileLedger), topics: PipelineTopics(), dryRun: true,
            now: now,
            sent: .init(), producer: nil)
        // The service's clock: half a second before 03:30 UTC, running at real speed.
        let schedule = ReconcileSchedule(hour: 3, minute: 30)
        let start = schedule.next(after: now).addingTimeInterval(-0.5)
        let began = ContinuousClock.now
        let reports = Mutex<[ReconcileReport]>([])
        let service = ReconcileService(
            job: job, schedule: schedule, logger: ReconcileJobTests.quiet("reconcile-service"),
            onReport: { report in reports.withLock { $0.append(report) } },
            clock: { start.addingTimeInterval(DurationSeconds.of(ContinuousClock.now - began)) })
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: service)], logger: ReconcileJobTests.quiet("group")))
        let running = Task { try await group.run() }
        let ran = await eventually(timeout: .seconds(30)) { reports.withLock { $0.count } == 1 }
        XCTAssertTrue(ran, "the run at 03:30")
        XCTAssertEqual(reports.withLock { $0.first?.found }, 6)
        await group.triggerGracefulShutdown()
        try await running.value
        XCTAssertEqual(reports.withLock { $0.count }, 1, "the next run is a day later")
    }
}
