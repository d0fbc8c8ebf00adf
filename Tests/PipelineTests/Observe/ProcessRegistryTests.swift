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

    /// A store that refuses heartbeats while `failing` (a ledger outage).
    final class FlakyStore: ProcessStore {
        let base: any ProcessStore
        let failing = Mutex(true)
        init(_ base: any ProcessStore) { self.base = base }
        struct Outage: Error {}
        func heartbeat(_ processes: [StageProcess], throughput: [StageThroughput]) async throws {
            if failing.withLock({ $0 }) { throw Outage() }
            try await base.heartbeat(processes, throughput: throughput)
        }
        func stageProcesses() async throws -> [StageProcess] { try await base.stageProcesses() }
        func stageThroughput(since: Date) async throws -> [StageThroughput] {
            try await base.stageThroughput(since: since)
        }
        func pruneStageProcesses(before cutoff: Date) async throws -> Int {
            try await base.pruneStageProcesses(before: cutoff)
        }
    }

    func testAFailedHeartbeatIsTriedAtTheNextIntervalWithItsCounts() async throws {
        let ledger = try await Ledger.open(url: "sqlite::memory:")
        let store = FlakyStore(try XCTUnwrap(ledger as? any ProcessStore))
        let probe = Probe()
        let registry = ProcessRegistry(
            store: store, replica: "r", host: "h", pid: 1,
            sources: [
                .init(
                    stage: "validate", statistics: { probe.statistics.withLock { $0 } },
                    settled: { probe.settled.withLock { $0 } })
            ], now: { probe.clock.withLock { $0 } }, logger: .init(label: "registry-test"))
        probe.settled.withLock { $0 = 4 }
        let failed = await registry.beat()
        XCTAssertFalse(failed, "the ledger is down")
        probe.advance(1)
        let retriedAtOnce = await registry.beat()
        XCTAssertFalse(retriedAtOnce, "not tried again every check")
        store.failing.withLock { $0 = false }
        let stillWaiting = await registry.beat()
        XCTAssertFalse(stillWaiting, "tried again at the next heartbeat")
        probe.advance(Double(ProcessRegistry.heartbeatInterval.components.seconds))
        let landed = await registry.beat()
        XCTAssertTrue(landed)
        let throughput = try await store.stageThroughput(since: Date(timeIntervalSince1970: 1_795_000_000))
        XCTAssertEqual(throughput.map(\.records), [4], "the counts of the failed write went with this one")
        let listed = try await store.stageProcesses()
        XCTAssertEqual(listed.map(\.stage), ["validate"])
        await ledger.close()
    }
}
