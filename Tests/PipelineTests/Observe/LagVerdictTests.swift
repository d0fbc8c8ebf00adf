import Foundation
import Pipeline
import XCTest

/// The Burrow-style verdict over a window of lag samples, and the machine that keeps the windows.
final class LagVerdictTests: XCTestCase {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func sample(_ index: Int, _ partitions: [(committed: Int64?, lag: Int64)], members: Int? = 1) -> LagSample {
        LagSample(
            time: start.addingTimeInterval(Double(index) * 15),
            partitions: partitions.enumerated().map {
                LagSample.Partition(
                    topic: "p.canonical", partition: Int32($0.offset), committed: $0.element.committed,
                    lag: $0.element.lag)
            }, members: members)
    }

    func testVerdicts() {
        let moving = (0..<5).map { sample($0, [(100 + Int64($0) * 10, 5), (50 + Int64($0), 0)]) }
        XCTAssertEqual(LagEvaluation.evaluate(moving).verdict, .ok)

        let growing = (0..<5).map { sample($0, [(100 + Int64($0), 10 + Int64($0) * 20)]) }
        let warn = LagEvaluation.evaluate(growing)
        XCTAssertEqual(warn.verdict, .warn, warn.reason)
        XCTAssertEqual(warn.lag, 90)

        let stuck = (0..<5).map { sample($0, [(100, 3 + Int64($0)), (70 + Int64($0), 0)]) }
        let stall = LagEvaluation.evaluate(stuck)
        XCTAssertEqual(stall.verdict, .stall, stall.reason)
        XCTAssertTrue(stall.reason.contains("p.canonical[0]"), stall.reason)

        let neverCommitted = (0..<3).map { sample($0, [(nil, 7)]) }
        XCTAssertEqual(LagEvaluation.evaluate(neverCommitted).verdict, .stall)

        let caughtUpOnce = [sample(0, [(100, 4)]), sample(1, [(104, 0)]), sample(2, [(104, 6)])]
        XCTAssertEqual(LagEvaluation.evaluate(caughtUpOnce).verdict, .ok, "lag reached zero in the window")

        let nobody = (0..<3).map { sample($0, [(100 + Int64($0), 1)], members: 0) }
        XCTAssertEqual(LagEvaluation.evaluate(nobody).verdict, .stop)
        XCTAssertEqual(LagEvaluation.evaluate([sample(0, [(100, 9)], members: 0)]).verdict, .stop)

        let unknownMembers = (0..<3).map { sample($0, [(100 + Int64($0), 0)], members: nil) }
        XCTAssertEqual(LagEvaluation.evaluate(unknownMembers).verdict, .ok, "unknown membership is not STOP")
        XCTAssertEqual(LagEvaluation.evaluate([sample(0, [(100, 9)])]).verdict, .ok, "one sample shows no trend")
    }

    func testTheMachineRollsItsWindowAndReportsOnlyChanges() {
        var machine = LagVerdictMachine(windowSize: 3)
        XCTAssertEqual(
            machine.record(group: "g", sample(0, [(100, 5)])).count, 1, "the first verdict is a change")
        XCTAssertEqual(machine.current["g"]?.verdict, .ok)
        XCTAssertEqual(machine.record(group: "g", sample(1, [(100, 6)])).count, 1)
        XCTAssertEqual(machine.current["g"]?.verdict, .stall)
        XCTAssertEqual(machine.record(group: "g", sample(2, [(100, 7)])), [], "still stalled: no action")
        // The consumer moves again and catches up: OK again; the window keeps the last three samples.
        let actions = machine.record(group: "g", sample(3, [(110, 0)]))
        XCTAssertEqual(machine.record(group: "g", sample(4, [(120, 0)])), [])
        XCTAssertEqual(machine.samples(of: "g"), 3)
        guard case .changed(let group, let from, let to)? = actions.first else {
            return XCTFail("expected a change, got \(actions)")
        }
        XCTAssertEqual(group, "g")
        XCTAssertEqual(from, .stall)
        XCTAssertEqual(to.verdict, .ok)
    }
}
