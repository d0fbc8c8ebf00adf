import Foundation
import Kafka
import Ledger
import Pipeline
import Synchronization
import XCTest

/// The process registry over a real SQLite ledger: registers the stages, writes an assignment change
/// at once and otherwise beats every interval, adds settled records to the minute's throughput, and
/// writes the stages `stopped` at the end.
final class ProcessRegistryTests: XCTestCase {
    /// What the fake consumer and counters report, and the clock.
    final class Probe: Sendable {
        let statistics = Mutex(KafkaConsumerStatistics())
        let settled = Mutex(0)
        let clock = Mutex(Date(timeIntervalSince1970: 1_795_000_020))
        func advance(_ seconds: TimeInterval) { clock.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    func testRegistersBeatsOnRebalanceAndIntervalCountsThroughputAndStops() async throws {
        let ledger = try await Ledger.open(url: "sqlite::memory:")
        let store = try XCTUnwrap(ledger as? any ProcessStore)
        let probe = Probe()
        let registry = ProcessRegistry(
            store: store, replica: "replica-7", host: "host-a", pid: 321,
            sources: [
                .init(stage: "ingest", statistics: { nil }, settled: { 0 }),
                .init(
                    stage: "dispatch", statistics: { probe.statistics.withLock { $0 } },
                    settled: { probe.settled.withLock { $0 } }),
            ], now: { probe.clock.withLock { $0 } }, logger: .init(label: "registry-test"))

        let first = await registry.beat()
        XCTAssertTrue(first, "the first beat registers")
        var listed = try await store.stageProcesses()
        XCTAssertEqual(listed.map(\.stage), ["dispatch", "ingest"])
        XCTAssertEqual(listed.map(\.state), ["starting", "running"], "no assignment yet; ingest has no consumer")
        XCTAssertEqual(listed.map(\.replica), ["replica-7", "replica-7"])
        XCTAssertEqual(listed.first?.host, "host-a")
        XCTAssertEqual(listed.first?.pid, 321)
        XCTAssertEqual(listed.first?.processID, registry.processID)

        probe.advance(1)
        let early = await registry.beat()
        XCTAssertFalse(early, "nothing changed and the heartbeat is not due")

        // The rebalance callback assigned two partitions: written at once, not at the next heartbeat.
        probe.statistics.withLock {
            $0.assignments = 1
            $0.assignment = ["p.canonical[0]", "p.canonical[1]"]
        }
        probe.settled.withLock { $0 = 5 }
        let assigned = await registry.beat()
        XCTAssertTrue(assigned)
        listed = try await store.stageProcesses()
        XCTAssertEqual(listed.first?.partitions, ["p.canonical[0]", "p.canonical[1]"])
        XCTAssertEqual(listed.first?.state, "running")

        probe.settled.withLock { $0 = 8 }
        probe.advance(2)
        let notYet = await registry.beat()
        XCTAssertFalse(notYet)
        probe.advance(Double(ProcessRegistry.heartbeatInterval.components.seconds))
        let due = await registry.beat()
        XCTAssertTrue(due, "the heartbeat interval passed")
        listed = try await store.stageProcesses()
        XCTAssertEqual(
            listed.first?.heartbeatAt.timeIntervalSince1970 ?? 0, probe.clock.withLock { $0 }.timeIntervalSince1970,
            accuracy: 0.001)
        let throughput = try await store.stageThroughput(since: Date(timeIntervalSince1970: 1_795_000_000))
        XCTAssertEqual(throughput.map(\.stage), ["dispatch"])
        XCTAssertEqual(throughput.map(\.records), [8], "5 then 3 more, in the same minute")

        // Revoked: written at once, idle with no partitions.
        probe.statistics.withLock {
            $0.revocations = 1
            $0.assignment = []
        }
        let revoked = await registry.beat()
        XCTAssertTrue(revoked)
        listed = try await store.stageProcesses()
        XCTAssertEqual(listed.first?.state, "idle")
        XCTAssertEqual(listed.first?.partitions, [])

        let stopped = await registry.beat(stopping: true)
        XCTAssertTrue(stopped)
        listed = try await store.stageProcesses()
        XCTAssertEqual(listed.map(\.state), ["stopped", "stopped"])
        await ledger.close()
    }
}
