import DriftlessTesting
import Synchronization
import XCTest

/// The suite's waits: a deadline is "no progress for the stall limit", never "all done by T", and a
/// wait's result says how it ended so callers can assert it.
final class WaitTests: XCTestCase {
    func testWorkThatKeepsMovingIsWaitedForLongerThanTheStallLimit() async {
        let calls = Mutex(0)
        let started = ContinuousClock.now
        let result = await waitMakingProgress(
            stall: .milliseconds(200), poll: .milliseconds(20),
            progress: {
                calls.withLock { calls in
                    calls += 1
                    return calls
                }
            },
            until: { calls.withLock { $0 } >= 30 })
        XCTAssertEqual(result, .done)
        XCTAssertTrue(result.isDone)
        XCTAssertGreaterThanOrEqual(
            ContinuousClock.now - started, .milliseconds(200), "thirty polls of 20 ms outlast the 200 ms stall limit")
    }

    func testWorkThatStandsStillEndsAsAStallNamingWhereItStuck() async {
        let result = await waitMakingProgress(
            stall: .milliseconds(100), poll: .milliseconds(10), progress: { 7 }, until: { false })
        XCTAssertEqual(result, .stalled(progress: "7", stall: .milliseconds(100)))
        XCTAssertFalse(result.isDone)
        XCTAssertEqual(result.description, "no progress for 0.1 seconds (stuck at 7)")
    }

    func testWaitUntilSaysWhetherTheConditionHeld() async {
        let calls = Mutex(0)
        let held = await waitUntil(timeout: .seconds(30), poll: .milliseconds(1)) {
            calls.withLock { calls in
                calls += 1
                return calls >= 3
            }
        }
        XCTAssertTrue(held)
        XCTAssertEqual(calls.withLock { $0 }, 3, "polled until it held, not beyond")
        let never = await waitUntil(timeout: .milliseconds(50), poll: .milliseconds(5)) { false }
        XCTAssertFalse(never)
    }
}
