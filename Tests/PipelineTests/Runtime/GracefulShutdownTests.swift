import DriftlessTesting
import Foundation
import Ledger
import NIOCore
import NIOPosix
import Pipeline
import Simulators
import Synchronization
import XCTest

/// `driftless run` as a real process on Tansu: SIGTERM while webhooks arrive drains it (HTTP intake
/// stops, the stages finish their batches in flight and commit, the producer and the audit writer
/// flush, the ledger closes) and it exits 0. A second process takes over; nothing acknowledged is
/// lost and no event is applied twice.
final class GracefulShutdownTests: XCTestCase {
    func testSIGTERMDrainsTheProcessAndNothingAcknowledgedIsLost() async throws {
        guard let broker = try TestBroker.tansu() else {
            throw XCTSkip("DRIFTLESS_TEST_BOOTSTRAP unset and DRIFTLESS_ALLOW_MISSING_SERVICES=1")
        }
        let directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-sigterm")
        defer {
            if ProcessInfo.processInfo.environment["DRIFTLESS_TEST_KEEP"] == nil {
                try? FileManager.default.removeItem(at: directory)
            }
        }
        let ledgerURL = "sqlite://" + directory.appendingPathComponent("ledger.db").path
        // Each process binds a port of its own choosing (0) and reports it: no port is picked here
        // and released for a child to take (another process could take it in between).
        let environment = [
            "DRIFTLESS_KAFKA_BOOTSTRAP": broker.bootstrapServers,
            "DRIFTLESS_TOPIC_PREFIX": broker.uniqueName("dl"),
            "DRIFTLESS_PARTITIONS": "3",
            "DRIFTLESS_LEDGER_URL": ledgerURL,
            "DRIFTLESS_SHOPIFY_SECRET": PipelineFixture.secret,
            "DRIFTLESS_INGEST_PORT": "0",
            "DRIFTLESS_CONSUMER_PROPERTY_SESSION_TIMEOUT_MS": "6000",
        ]
        let store = StorefrontStore(seed: 71)
        let deliveries = try await makeLifecycles(store: store, orders: 150, seed: 7)
        let expected = try inOrderExpectation(deliveries)
        let first = try DriftlessProcess(environment: environment, directory: directory, name: "a")
        defer { first.kill() }
        let firstPort = try await first.waitUntilReady()
        // Shopify-like retries, compressed: a webhook refused while no process listens is sent again,
        // to whichever process serves the shop's webhook address at the time (the first, then the second).
        let target = WebhookTarget(port: firstPort)
        let acknowledged = Acknowledged()
        // The second half waits until SIGTERM was sent, so the stop always falls mid-stream however
        // fast this machine is; those webhooks then meet the stopping process or none, and Shopify's
        // retries carry them to the second one.
        let signalled = Signalled()
        let half = deliveries.count / 2
        let sending = Task {
            await withTaskGroup(of: Void.self) { group in
                // Paced (about 200 webhooks/s).
                for worker in 0..<4 {
                    group.addTask {
                        for index in stride(from: worker, to: deliveries.count, by: 4) {
                            while index >= half, !signalled.isSet { try? await Task.sleep(for: .milliseconds(20)) }
                            try? await Task.sleep(for: .milliseconds(20))
                            if await target.deliver(deliveries[index]) {
                                acknowledged.add(deliveries[index].webhookID)
                            }
                        }
                    }
                }
            }
        }
        // Mid-stream, with every stage at work (its consumer assigned and records flowing).
        let keys = expected.keys.sorted()
        let observer = try await Ledger.open(url: ledgerURL)
        let midway = try await eventually(timeout: .seconds(60)) {
            guard acknowledged.count >= deliveries.count / 5 || acknowledged.count >= half - 8 else { return false }
            return try await observer.loadStates(orders: keys).count >= keys.count / 10
        }
        await observer.close()
        XCTAssertTrue(midway, first.output.suffix(3000).description)
        first.terminate()
        signalled.set()
        let firstStatus = try await first.waitForExit(timeout: .seconds(60))
        XCTAssertEqual(firstStatus, 0, "SIGTERM is a graceful stop:\n\(first.output.suffix(3000))")
        let acknowledgedByFirst = acknowledged.count
        XCTAssertLessThan(acknowledgedByFirst, deliveries.count, "stopped mid-stream")

        let second = try DriftlessProcess(environment: environment, directory: directory, name: "b")
        defer { second.kill() }
        target.move(to: try await second.waitUntilReady())
        await sending.value
        XCTAssertEqual(acknowledged.all, Set(deliveries.map(\.webhookID)), "every webhook got a 2xx in the end")

        let ledger = try await Ledger.open(url: ledgerURL)
        let converged = try await eventually(timeout: .seconds(120)) {
            let states = try await ledger.loadStates(orders: keys)
            let actual = Dictionary(states.map { ($0.orderKey, $0.state) }, uniquingKeysWith: { a, _ in a })
            return keys.allSatisfy { actual[$0] == expected[$0]?.rawValue }
        }
        XCTAssertTrue(converged, "every order reached its in-order state:\n\(second.output.suffix(4000))")
        second.terminate()
        let secondStatus = try await second.waitForExit(timeout: .seconds(60))
        XCTAssertEqual(secondStatus, 0, second.output.suffix(3000).description)

        let rows = try await ledger.search(AuditQuery(limit: 1_000_000))
        let received = Set(rows.filter { $0.hop == .received }.map(\.eventID))
        XCTAssertEqual(received, Set(deliveries.map(\.webhookID)), "each acknowledged webhook has its received row")
        let translated = rows.filter { $0.hop == .translated }.map(\.eventID)
        XCTAssertEqual(translated.count, Set(translated).count, "no event translated twice")
        await ledger.close()
        print(
            "sigterm: \(deliveries.count) webhooks, \(acknowledgedByFirst) acknowledged before SIGTERM, exits \(firstStatus)/\(secondStatus)"
        )
    }
}

/// `driftless run` (the binary built beside the test bundle) as a child process; output in a file.
final class DriftlessProcess: Sendable {
    private let process: Process
    private let log: URL

    init(environment: [String: String], directory: URL, name: String, arguments: [String] = []) throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("driftless")
        process = Process()
        process.executableURL = binary
        let level = ProcessInfo.processInfo.environment["DRIFTLESS_TEST_CHILD_LOG"] ?? "notice"
        process.arguments = ["run", "--log-level", level] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.currentDirectoryURL = directory
        log = directory.appendingPathComponent("driftless-\(name).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Waits for the start-up line (`…; http://127.0.0.1:<port> (…`, written when the HTTP server
    /// is bound), then polls `/readyz` on that port until 200; returns the port.
    @discardableResult
    func waitUntilReady() async throws -> Int {
        let started = await eventually(timeout: .seconds(120)) {
            self.reportedPort != nil || !self.process.isRunning
        }
        guard started, let port = reportedPort else {
            throw DriftlessProcessError.notReady(output.suffix(3000).description)
        }
        let ready = await eventually(timeout: .seconds(60)) {
            (try? await getText("http://127.0.0.1:\(port)/readyz"))?.status == 200
        }
        guard ready else { throw DriftlessProcessError.notReady(output.suffix(3000).description) }
        return port
    }

    /// The port the start-up line names, once it is written.
    var reportedPort: Int? {
        guard let range = output.range(of: "; http://127.0.0.1:") else { return nil }
        return Int(output[range.upperBound...].prefix { $0.isNumber })
    }

    func terminate() {
        process.terminate()  // SIGTERM
    }

    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }

    func waitForExit(timeout: Duration) async throws -> Int32 {
        let exited = await eventually(timeout: timeout) { !self.process.isRunning }
        guard exited else { throw DriftlessProcessError.didNotExit }
        return process.terminationStatus
    }
}

/// Where the shop's webhooks go, with Shopify-like retries (compressed): each attempt goes to the
/// process serving the address at the time, so a takeover on another port loses nothing.
final class WebhookTarget: Sendable {
    private let deliverer: Mutex<WebhookDeliverer>

    init(port: Int) {
        deliverer = Mutex(Self.deliverer(port))
    }

    func move(to port: Int) {
        let next = Self.deliverer(port)
        deliverer.withLock { $0 = next }
    }

    /// Whether `delivery` got a 2xx within 40 attempts (100 ms doubling to 1 s between them).
    func deliver(_ delivery: WebhookDelivery) async -> Bool {
        var delay = Duration.milliseconds(100)
        for _ in 0..<40 {
            let current = deliverer.withLock { $0 }
            if let status = await current.attemptOnce(delivery), (200..<300).contains(status) { return true }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(1))
        }
        return false
    }

    private static func deliverer(_ port: Int) -> WebhookDeliverer {
        WebhookDeliverer(
            targetURL: "http://127.0.0.1:\(port)/webhooks/shopify", secret: PipelineFixture.secret,
            policy: WebhookRetryPolicy(
                maxAttempts: 1, initialDelay: .milliseconds(100), multiplier: 2, maxDelay: .seconds(1),
                timeout: .seconds(5)))
    }
}

/// Webhook ids that got a 2xx.
final class Acknowledged: Sendable {
    private let ids = Mutex<[String]>([])
    func add(_ id: String) { ids.withLock { $0.append(id) } }
    var count: Int { ids.withLock { $0.count } }
    var all: Set<String> { ids.withLock { Set($0) } }
}

/// Set once SIGTERM was sent.
final class Signalled: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}

enum DriftlessProcessError: Error {
    case notReady(String)
    case didNotExit
}
