import DriftlessTesting
import XCTest

@testable import Kafka

/// The producer's lifecycle as a value: running → draining (until a deadline, then a purge and a
/// short grace period) → finished; a second close changes nothing, waiters are handed back once.
final class ProducerLifecycleTests: XCTestCase {
    func testCloseIsTakenOnceAndDrainsUntilTheFirstDeadline() {
        var lifecycle = ProducerLifecycle()
        XCTAssertTrue(lifecycle.isRunning)
        XCTAssertEqual(lifecycle.pollAction(), .poll)
        let start = ContinuousClock.now
        XCTAssertEqual(lifecycle.drainStep(outstanding: 5, now: start), .poll, "running: nothing is drained")
        XCTAssertEqual(lifecycle.requestClose(deadline: start + .seconds(1)), .stopAccepting)
        XCTAssertEqual(lifecycle.requestClose(deadline: start + .seconds(9)), .none, "a second close is a no-op")
        XCTAssertFalse(lifecycle.isRunning)
        XCTAssertEqual(lifecycle.pollAction(), .checkDrained)
        XCTAssertEqual(lifecycle.drainStep(outstanding: 3, now: start), .poll, "before the deadline: keep serving")
        XCTAssertEqual(
            lifecycle.drainStep(outstanding: 3, now: start + .seconds(1), grace: .milliseconds(500)), .purge,
            "the first deadline holds, not the second close's")
        XCTAssertEqual(
            lifecycle.drainStep(outstanding: 3, now: start + .milliseconds(1200)), .poll,
            "the purged records' reports are awaited for the grace period")
        XCTAssertEqual(lifecycle.drainStep(outstanding: 3, now: start + .milliseconds(1500)), .stop)
        XCTAssertEqual(lifecycle.drainStep(outstanding: 0, now: start + .milliseconds(1200)), .stop, "drained")
    }

    func testNothingOutstandingStopsAtOnceAndFinishedWaitersResumeAtOnce() async {
        var lifecycle = ProducerLifecycle()
        let start = ContinuousClock.now
        XCTAssertEqual(lifecycle.requestClose(deadline: start + .seconds(10)), .stopAccepting)
        XCTAssertEqual(lifecycle.drainStep(outstanding: 0, now: start), .stop, "nothing left: no need to wait")
        XCTAssertTrue(lifecycle.finish().isEmpty, "nobody waited")
        XCTAssertTrue(lifecycle.finish().isEmpty, "finishing twice hands back nothing")
        XCTAssertEqual(lifecycle.pollAction(), .stop)
        XCTAssertEqual(lifecycle.requestClose(deadline: start), .none, "closing a finished producer is a no-op")
        await withCheckedContinuation { continuation in
            let action = lifecycle.waitForFinish(continuation)
            XCTAssertEqual(action, .resumeNow, "after the finish a waiter resumes at once")
            if action == .resumeNow { continuation.resume() }
        }
    }

    /// On the mock cluster: a record sent after close is refused with ``KafkaError/closed``; closing
    /// twice at once, again afterwards and a ``KafkaProducer/shutdown()`` after it all return.
    func testSendAfterCloseIsRefusedAndClosingAgainIsANoOp() async throws {
        let broker = try TestBroker.mock()
        let topic = try await broker.createTopic("closed")
        let producer = try KafkaProducer(config: broker.config(), logger: KafkaTestSupport.logger)
        let report = try await producer.send(ProducerRecord(topic: topic, key: "k", value: "before"))
        XCTAssertEqual(report.topic, topic)
        async let first: Void = producer.close()
        async let second: Void = producer.close()
        _ = await (first, second)
        await producer.close()
        await producer.shutdown()
        do {
            _ = try await producer.send(ProducerRecord(topic: topic, key: "k", value: "after"))
            XCTFail("a send after close must be refused")
        } catch let error as KafkaError {
            XCTAssertEqual(error, .closed)
        }
        do {
            _ = try await producer.enqueue([ProducerRecord(topic: topic, key: "k", value: "after")])
            XCTFail("an enqueue after close must be refused")
        } catch let error as KafkaError {
            XCTAssertEqual(error, .closed)
        }
        XCTAssertEqual(producer.pendingDeliveries, 0)
        let consumer = try KafkaConsumer(
            config: broker.consumerConfig(), groupID: broker.uniqueName("closed"), topics: [topic],
            logger: KafkaTestSupport.logger)
        let messages = try await broker.consume(consumer, count: 1)
        XCTAssertEqual(messages.compactMap(\.valueString), ["before"], "the record sent before the close was delivered")
    }
}
