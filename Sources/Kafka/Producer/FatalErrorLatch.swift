import Synchronization

/// Holds a client's fatal error once it happened and wakes whoever waits for one.
///
/// A fatal error (librdkafka's `RD_KAFKA_EVENT_ERROR` with `rd_kafka_event_error_is_fatal`, e.g. the
/// idempotent producer losing its sequence) cannot be recovered: the client must be replaced. The
/// latch is set once; ``wait()`` returns it, or nil when the client finished without one. A lock,
/// not an actor: it is set from the producer's dedicated poll thread, which must not hop to tasks.
final class FatalErrorLatch: Sendable {
    private struct State {
        var error: KafkaError?
        var finished = false
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<KafkaError?, Never>] = [:]
    }

    private let state = Mutex(State())

    /// The fatal error, if one happened.
    var error: KafkaError? { state.withLock { $0.error } }

    /// Records `error` (the first one wins) and wakes the waiters.
    func set(_ error: KafkaError) {
        let waiters = state.withLock { state -> [CheckedContinuation<KafkaError?, Never>] in
            guard state.error == nil else { return [] }
            state.error = error
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: error) }
    }

    /// The client stopped: waiters without a fatal error get nil.
    func finish() {
        let waiters = state.withLock { state -> [CheckedContinuation<KafkaError?, Never>] in
            state.finished = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }

    /// Waits for the fatal error; nil when the client finished without one or the task was cancelled.
    func wait() async -> KafkaError? {
        let id = state.withLock { state -> Int in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<KafkaError?, Never>) in
                let ready = state.withLock { state -> KafkaError?? in
                    if let error = state.error { return .some(error) }
                    if state.finished || Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }
}
