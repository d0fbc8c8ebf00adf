import Kafka
import XCTest

final class OffsetTrackerTests: XCTestCase {
    func testInOrderAcknowledgementsAdvanceOneByOne() {
        var tracker = OffsetTracker()
        for offset in Int64(0)..<5 { tracker.delivered(offset) }
        XCTAssertNil(tracker.committable)
        XCTAssertEqual(tracker.acknowledge(0), 1)
        XCTAssertEqual(tracker.acknowledge(1), 2)
        XCTAssertEqual(tracker.committable, 2)
        XCTAssertEqual(tracker.unacknowledgedCount, 3)
    }

    func testOutOfOrderAcknowledgementsWaitForTheLowest() {
        var tracker = OffsetTracker()
        for offset in Int64(10)..<16 { tracker.delivered(offset) }
        XCTAssertNil(tracker.acknowledge(13))
        XCTAssertNil(tracker.acknowledge(11))
        XCTAssertNil(tracker.acknowledge(15))
        XCTAssertNil(tracker.committable, "10 is not acknowledged, nothing is committable")
        XCTAssertEqual(tracker.acknowledge(10), 12, "10 and 11 done; 12 still open")
        XCTAssertEqual(tracker.acknowledge(12), 14, "12 and 13 done; 14 still open")
        XCTAssertEqual(tracker.acknowledge(14), 16, "everything done: next to read is 16")
        XCTAssertEqual(tracker.unacknowledgedCount, 0)
    }

    func testOffsetGapsDoNotBlockProgress() {
        // Compacted topics and transaction markers leave offsets that are never delivered.
        var tracker = OffsetTracker()
        for offset: Int64 in [3, 7, 8, 20] { tracker.delivered(offset) }
        XCTAssertEqual(tracker.acknowledge(3), 7)
        XCTAssertNil(tracker.acknowledge(20))
        XCTAssertEqual(tracker.acknowledge(7), 8)
        XCTAssertEqual(tracker.acknowledge(8), 21)
    }

    func testDuplicateAndUnknownAcknowledgementsAreIgnored() {
        var tracker = OffsetTracker()
        for offset in Int64(0)..<4 { tracker.delivered(offset) }
        XCTAssertEqual(tracker.acknowledge(0), 1)
        XCTAssertNil(tracker.acknowledge(0), "duplicate of a passed offset")
        XCTAssertNil(tracker.acknowledge(2))
        XCTAssertNil(tracker.acknowledge(2), "duplicate of a pending offset")
        XCTAssertNil(tracker.acknowledge(99), "never delivered")
        XCTAssertNil(tracker.acknowledge(-5), "never delivered")
        XCTAssertEqual(tracker.committable, 1)
        XCTAssertEqual(tracker.acknowledge(1), 3)
        XCTAssertEqual(tracker.acknowledge(3), 4)
        XCTAssertEqual(tracker.unacknowledgedCount, 0)
    }

    func testRedeliveredOffsetsAreNotTrackedTwice() {
        var tracker = OffsetTracker()
        XCTAssertTrue(tracker.delivered(5))
        XCTAssertFalse(tracker.delivered(5))
        XCTAssertFalse(tracker.delivered(4))
        XCTAssertEqual(tracker.acknowledge(5), 6)
        XCTAssertFalse(tracker.delivered(5), "below the committable position")
    }

    func testResetOnRevocationForgetsEverything() {
        var tracker = OffsetTracker()
        for offset in Int64(0)..<3 { tracker.delivered(offset) }
        XCTAssertEqual(tracker.acknowledge(0), 1)
        XCTAssertNil(tracker.acknowledge(2))
        tracker.reset()
        XCTAssertNil(tracker.committable)
        XCTAssertNil(tracker.highestDelivered)
        XCTAssertNil(tracker.acknowledge(1), "acks from before the revocation are ignored")
        // Reassigned later, delivery restarts from the committed position (1).
        tracker.delivered(1)
        tracker.delivered(2)
        XCTAssertNil(tracker.acknowledge(2), "the pre-revocation ack of 2 did not survive")
        XCTAssertEqual(tracker.acknowledge(1), 3)
    }

    func testRewindForgetsDeliveriesFromTheRewindOffset() {
        var tracker = OffsetTracker()
        for offset in Int64(0)..<8 { tracker.delivered(offset) }
        XCTAssertEqual(tracker.acknowledge(0), 1)
        XCTAssertNil(tracker.acknowledge(2))
        XCTAssertNil(tracker.acknowledge(6))
        tracker.rewind(to: 4)
        XCTAssertEqual(tracker.highestDelivered, 3)
        XCTAssertNil(tracker.acknowledge(6), "6 will be delivered again; its old ack is gone")
        XCTAssertTrue(tracker.delivered(4), "redelivery from the rewind offset is tracked")
        XCTAssertEqual(tracker.acknowledge(1), 3, "acks below the rewind offset survive (2 was acked)")
        XCTAssertEqual(tracker.acknowledge(3), 4)
        XCTAssertEqual(tracker.acknowledge(4), 5)
        tracker.rewind(to: 2)
        XCTAssertEqual(tracker.highestDelivered, 4, "never rewinds below the committable position")
    }

    func testLargeShuffledWorkloadEndsAtHighestPlusOne() {
        var tracker = OffsetTracker()
        let offsets = Array(Int64(0)..<5_000)
        for offset in offsets { tracker.delivered(offset) }
        var maxSeen: Int64 = -1
        // Acknowledged in a scrambled but fixed order (1,223 is coprime with 5,000: a permutation), so a
        // failure replays the same way.
        for offset in offsets.indices.map({ offsets[$0 * 1_223 % offsets.count] }) {
            if let committable = tracker.acknowledge(offset) {
                XCTAssertGreaterThan(committable, maxSeen, "the committable offset only moves forward")
                maxSeen = committable
            }
        }
        XCTAssertEqual(tracker.committable, 5_000)
        XCTAssertEqual(tracker.unacknowledgedCount, 0)
    }
}
