import XCTest

@testable import Kafka

/// The consumer's lifecycle as a value: running → closing → closed, waiters handed back once.
final class ConsumerLifecycleTests: XCTestCase {
    func testTransitionsAndWaiters() async {
        var lifecycle = ConsumerLifecycle.initial
        XCTAssertFalse(lifecycle.isClosing)
        lifecycle.requestClose()
        XCTAssertTrue(lifecycle.isClosing)
        lifecycle.requestClose()
        XCTAssertTrue(lifecycle.isClosing, "a second request changes nothing")
        let box = LifecycleBox(lifecycle)
        async let waited: Void = withCheckedContinuation { continuation in
            XCTAssertEqual(box.wait(continuation), .wait, "kept while closing")
        }
        // Let the waiter register, then finish: it is handed back exactly once.
        while box.waiterCount == 0 { await Task.yield() }
        let waiters = box.finish()
        XCTAssertEqual(waiters.count, 1)
        for waiter in waiters { waiter.resume() }
        await waited
        XCTAssertTrue(box.finish().isEmpty, "closed: nobody left")
        await withCheckedContinuation { continuation in
            let action = box.wait(continuation)
            XCTAssertEqual(action, .resumeNow, "after the close a waiter resumes at once")
            if action == .resumeNow { continuation.resume() }
        }
    }
}

/// A lifecycle under a lock, as `ConsumerState` holds it.
private final class LifecycleBox: @unchecked Sendable {
    private var lifecycle: ConsumerLifecycle
    private let lock = NSLock()

    init(_ lifecycle: ConsumerLifecycle) { self.lifecycle = lifecycle }

    func wait(_ waiter: ConsumerLifecycle.Waiter) -> ConsumerLifecycle.WaitAction {
        lock.withLock { lifecycle.waitForClose(waiter) }
    }

    var waiterCount: Int {
        lock.withLock {
            switch lifecycle {
            case .running(let waiters), .closing(let waiters): waiters.count
            case .closed: 0
            }
        }
    }

    func finish() -> [ConsumerLifecycle.Waiter] { lock.withLock { lifecycle.finish() } }
}
