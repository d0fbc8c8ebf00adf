import Logging
import ServiceLifecycle
import Synchronization
import XCTest

@testable import Pipeline

/// The process's phase as a value (starting → running → stopping; failed from anywhere, final) and
/// what the health endpoints make of it; the service-group helper's order and early shutdown.
final class ProcessPhaseTests: XCTestCase {
    func testTransitionsAndTheOnesThatAreIgnored() {
        var phase = ProcessPhase.starting
        XCTAssertFalse(phase.hasStarted)
        XCTAssertEqual(phase.markStarted(), .changed)
        XCTAssertEqual(phase, .running)
        XCTAssertEqual(phase.markStarted(), .ignored, "starting twice")
        XCTAssertEqual(phase.markStopping(), .changed)
        XCTAssertEqual(phase, .stopping(started: true))
        XCTAssertEqual(phase.markStopping(), .ignored, "stopping twice")
        XCTAssertEqual(phase.markStarted(), .ignored, "no way back to running")
        XCTAssertEqual(phase.markFatal(), .changed)
        XCTAssertEqual(phase, .failed(started: true))
        XCTAssertEqual(phase.markFatal(), .ignored, "fatal twice")
        XCTAssertEqual(phase.markStopping(), .ignored, "failed is final")
        XCTAssertEqual(phase.markStarted(), .ignored, "failed is final")
        XCTAssertEqual(phase, .failed(started: true))

        var early = ProcessPhase.starting
        XCTAssertEqual(early.markStopping(), .changed)
        XCTAssertEqual(early, .stopping(started: false), "stopped before start-up finished")
        XCTAssertEqual(early.markStarted(), .changed, "start-up finishing while stopping is noted")
        XCTAssertEqual(early, .stopping(started: true), "and the process keeps stopping")
    }

    func testHealthFollowsThePhase() {
        let health = HealthState()
        XCTAssertEqual(health.condition, .starting)
        XCTAssertEqual(health.details["broker"], "starting")
        health.markStarted()
        XCTAssertEqual(health.condition, .ok)
        XCTAssertTrue(health.readiness.ready)
        health.recordSend(succeeded: false)
        XCTAssertEqual(health.condition, .kafkaUnavailable)
        XCTAssertEqual(health.details["broker"], "unreachable")
        health.markStopping()
        health.markStarted()
        XCTAssertEqual(health.condition, .stopping, "a late start-up does not make a stopping process ready")
        XCTAssertFalse(health.readiness.ready)
        XCTAssertTrue(health.liveness.alive)
        health.markFatal()
        health.markStopping()
        XCTAssertEqual(health.condition, .fatal, "fatal wins over stopping")
        XCTAssertFalse(health.liveness.alive)
        XCTAssertEqual(health.readiness.detail, "fatal")
    }

    func testFatalBeforeStartIsNeverReady() {
        let health = HealthState()
        health.markFatal()
        health.markStarted()
        XCTAssertEqual(health.condition, .fatal)
        XCTAssertFalse(health.readiness.ready)
        XCTAssertEqual(health.details["broker"], "starting", "start-up never finished")
    }

    /// The helper shuts services down in reverse order of the list, and a shutdown asked for before
    /// the group runs is kept: the services start, then stop.
    func testServiceRunnerStopsInReverseOrderAndKeepsAnEarlyShutdown() async throws {
        var logger = Logger(label: "process-phase-tests")
        logger.logLevel = .warning
        let stopped = Mutex<[String]>([])
        let services = ["ledger", "producer", "stage"].map { name in
            ServiceGroupConfiguration.ServiceConfiguration(
                service: Recorder(name: name) { stopped.withLock { $0.append(name) } })
        }
        let runner = ServiceRunner(services, logger: logger, signals: false)
        await runner.triggerGracefulShutdown()
        try await runner.run()
        XCTAssertEqual(stopped.withLock { $0 }, ["stage", "producer", "ledger"])
    }
}

/// Notes its stop when its graceful shutdown comes.
private struct Recorder: Service {
    let name: String
    let onStop: @Sendable () -> Void

    func run() async throws {
        try await gracefulShutdown()
        onStop()
    }
}
