import XCTest

@testable import Kafka

/// A partition's flow as a value: back-pressure with hysteresis, pauses with and without a deadline,
/// and rewinds, each deciding what the poll thread does.
final class PartitionFlowTests: XCTestCase {
    func testBackPressureHoldsAtTheShareAndReadsAgainAtHalfOfIt() {
        var flow = PartitionFlow.flowing
        XCTAssertEqual(flow.handle(.planningRead(buffered: 9, share: 10)), .read)
        XCTAssertEqual(flow.handle(.planningRead(buffered: 10, share: 10)), .hold(newly: true))
        XCTAssertEqual(flow, .heldBack)
        XCTAssertEqual(flow.handle(.planningRead(buffered: 6, share: 10)), .hold(newly: false), "above half")
        XCTAssertEqual(flow.handle(.planningRead(buffered: 5, share: 10)), .read)
        XCTAssertEqual(flow, .flowing)
    }

    func testAPauseIsPausedInLibrdkafkaOnceAndKeepsTheBackPressureState() {
        var flow = PartitionFlow.heldBack
        let deadline = ContinuousClock.now + .seconds(5)
        XCTAssertEqual(flow.handle(.pause(until: nil)), .pause)
        XCTAssertEqual(flow.handle(.pause(until: deadline)), .none, "paused again: only the deadline moves")
        XCTAssertEqual(flow, .paused(until: deadline, heldBack: true))
        XCTAssertEqual(flow.handle(.planningRead(buffered: 0, share: 10)), .none, "a paused partition is not read")
        XCTAssertEqual(flow.resumeAt, deadline)
        XCTAssertEqual(flow.handle(.resume), .resume)
        XCTAssertEqual(flow, .heldBack, "back to the back-pressure state it had")
        XCTAssertNil(flow.resumeAt)
        XCTAssertEqual(flow.handle(.resume), .none, "not paused")
    }

    func testAPauseEndsWhenItsDeadlineIsDue() {
        let start = ContinuousClock.now
        var flow = PartitionFlow.flowing
        XCTAssertEqual(flow.handle(.pause(until: start + .seconds(1))), .pause)
        XCTAssertEqual(flow.handle(.clock(now: start)), .none)
        XCTAssertEqual(flow.handle(.clock(now: start + .seconds(1))), .resume)
        XCTAssertEqual(flow, .flowing)
        XCTAssertEqual(flow.handle(.pause(until: nil)), .pause)
        XCTAssertEqual(flow.handle(.clock(now: start + .seconds(3600))), .none, "no deadline: until resumed")
    }

    func testARewindAlwaysPausesAndRewinds() {
        var flow = PartitionFlow.flowing
        let deadline = ContinuousClock.now + .seconds(1)
        XCTAssertEqual(flow.handle(.rewind(until: nil)), .pauseAndRewind)
        XCTAssertEqual(flow.handle(.rewind(until: deadline)), .pauseAndRewind, "paused already: rewinds again")
        XCTAssertEqual(flow, .paused(until: deadline, heldBack: false))
        XCTAssertEqual(flow.handle(.clock(now: deadline)), .resume)
        XCTAssertEqual(flow, .flowing)
    }
}
