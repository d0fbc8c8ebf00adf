import DriftlessTesting
import Foundation
import XCTest

/// Every long-running command stops the same way (one service-group helper): SIGTERM or SIGINT
/// starts a graceful shutdown that runs the command's own stop steps, and the process exits.
final class SignalShutdownTests: XCTestCase {
    private var files: TemporaryFiles?
    private var directory: URL? { files?.directory }

    override func setUpWithError() throws {
        files = try TemporaryFiles(prefix: "driftless-signals")
    }

    override func tearDownWithError() throws {
        files?.remove()
    }

    /// SIGTERM: the ERP simulator's stop step prints its tally, then the process exits 0.
    func testSimulatedERPStopsGracefullyOnSIGTERM() async throws {
        let directory = try XCTUnwrap(directory)
        let simulator = try DriftlessProcess(
            ["simulate", "erp", "--port", "0"], environment: ["DRIFTLESS_ERP_TOKEN": "signal-test-token"],
            directory: directory)
        let banner = try await simulator.line(containing: "erp REST record API on")
        XCTAssertNotNil(banner, simulator.stderr)
        let result = try await simulator.stop()
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("erp: 0 writes applied, 0 duplicate effects"), result.stdout)
    }

    /// SIGINT (Ctrl-C) stops the marketplace simulator the same way.
    func testSimulatedMarketplaceStopsOnSIGINT() async throws {
        let directory = try XCTUnwrap(directory)
        let simulator = try DriftlessProcess(
            ["simulate", "marketplace", "--port", "0", "--orders", "3"], directory: directory)
        let banner = try await simulator.line(containing: "marketplace getOrders on")
        XCTAssertNotNil(banner, simulator.stderr)
        simulator.interrupt()
        let result = try await simulator.finish(timeout: .seconds(30))
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    /// Ctrl-C while the demo's scenario runs: the scenario is cancelled, its stages and simulators
    /// stop, and the demo says so and exits 130.
    func testInterruptedDemoStopsAndExits130() async throws {
        let directory = try XCTUnwrap(directory)
        let demo = try DriftlessProcess(["demo", "--orders", "40"], directory: directory)
        let started = try await demo.line(containing: "starting Driftless", timeout: .seconds(120))
        XCTAssertNotNil(started, demo.stdout + demo.stderr)
        demo.interrupt()
        let result = try await demo.finish(timeout: .seconds(120))
        XCTAssertEqual(result.status, 130, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("driftless demo: stopping (again to quit at once)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("driftless demo: interrupted"), result.stdout)
    }
}
