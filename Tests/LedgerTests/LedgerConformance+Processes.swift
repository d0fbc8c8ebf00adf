import Foundation
import Ledger
import XCTest

extension LedgerConformance {
    /// Processes register and beat (upsert per process and stage), throughput adds up per minute,
    /// and pruning forgets processes that stopped beating and old minutes.
    func processesRegisterBeatAndPrune() async throws {
        let (opened, _) = try await open()
        defer { Task { await opened.close() } }
        let store = try XCTUnwrap(opened as? any ProcessStore, "\(opened.location) keeps a process registry")
        /// Seconds after a whole minute (1_795_000_020 = 29_916_667 × 60).
        enum F { static func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_795_000_020 + seconds) } }
        func assertSame(_ actual: Date?, _ expected: Date, line: UInt = #line) {
            XCTAssertEqual(
                actual?.timeIntervalSince1970 ?? 0, expected.timeIntervalSince1970, accuracy: 0.000_001, line: line)
        }
        func process(_ id: String, _ stage: String, partitions: [String], state: String, beat: Double)
            -> StageProcess
        {
            StageProcess(
                processID: id, stage: stage, replica: "r-\(id)", host: "host-\(id)", pid: 4242, partitions: partitions,
                state: state, startedAt: F.at(0), heartbeatAt: F.at(beat))
        }
        let empty = try await store.stageProcesses()
        XCTAssertEqual(empty, [])

        try await store.heartbeat(
            [
                process("a", "validate", partitions: [], state: "starting", beat: 10),
                process("b", "dispatch", partitions: ["p.canonical[0]"], state: "running", beat: 10),
            ],
            throughput: [StageThroughput(stage: "dispatch", processID: "b", minute: F.at(61), records: 3)])
        try await store.heartbeat(
            [process("a", "validate", partitions: ["p.raw[0]", "p.raw[1]"], state: "running", beat: 20)],
            throughput: [
                StageThroughput(stage: "dispatch", processID: "b", minute: F.at(100), records: 4),
                StageThroughput(stage: "validate", processID: "a", minute: F.at(130), records: 0),
            ])
        let listed = try await store.stageProcesses()
        XCTAssertEqual(listed.map(\.stage), ["dispatch", "validate"])
        XCTAssertEqual(listed.map(\.state), ["running", "running"])
        XCTAssertEqual(listed[1].partitions, ["p.raw[0]", "p.raw[1]"], "the second beat replaced the first")
        XCTAssertEqual(listed[1].replica, "r-a")
        XCTAssertEqual(listed[1].host, "host-a")
        XCTAssertEqual(listed[1].pid, 4242)
        assertSame(listed[1].heartbeatAt, F.at(20))
        assertSame(listed[0].heartbeatAt, F.at(10))

        let throughput = try await store.stageThroughput(since: F.at(0))
        XCTAssertEqual(throughput.count, 1, "both counts fall in one minute; a zero count writes nothing")
        XCTAssertEqual(throughput.first?.records, 7)
        assertSame(throughput.first?.minute, F.at(60))
        let later = try await store.stageThroughput(since: F.at(125))
        XCTAssertEqual(later, [], "minutes before the one `since` falls in are left out")

        let pruned = try await store.pruneStageProcesses(before: F.at(15))
        XCTAssertEqual(pruned, 1, "process b (last beat at 10 s); the minute at 60 s is newer")
        let left = try await store.stageProcesses()
        XCTAssertEqual(left.map(\.processID), ["a"])
        let kept = try await store.stageThroughput(since: F.at(0))
        XCTAssertEqual(kept.map(\.records), [7])
        let rest = try await store.pruneStageProcesses(before: F.at(125))
        XCTAssertEqual(rest, 2, "process a (last beat at 20 s) and the minute at 60 s")
        let none = try await store.stageProcesses()
        XCTAssertEqual(none, [])
        let noMinutes = try await store.stageThroughput(since: F.at(0))
        XCTAssertEqual(noMinutes, [])
    }
}
