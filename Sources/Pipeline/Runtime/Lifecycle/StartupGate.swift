import Synchronization

/// Opened once start-up work the stages depend on is done (the topics exist), or closed when that
/// work ended without success (the process is stopping). Waiters learn which.
final class StartupGate: Sendable {
    private enum State {
        case waiting([Int: CheckedContinuation<Bool, Never>])
        case done(Bool)
    }

    private let state = Mutex(State.waiting([:]))
    private let nextID = Atomic<Int>(0)

    /// Whether the gate has opened (the start-up work is done); false while waiting or once closed.
    var isOpen: Bool {
        state.withLock { state in
            if case .done(true) = state { return true }
            return false
        }
    }

    /// Opens the gate: every waiter, present and future, gets true.
    func open() { finish(true) }

    /// Closes the gate: every waiter, present and future, gets false.
    func close() { finish(false) }

    private func finish(_ value: Bool) {
        let waiters = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = .done(value)
            return Array(waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    /// Waits until the gate opens (true) or closes (false); a cancelled waiter gets false.
    func wait() async -> Bool {
        let id = nextID.add(1, ordering: .relaxed).newValue
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let result = state.withLock { state -> Bool? in
                    switch state {
                    case .done(let value): return value
                    case .waiting(var waiters):
                        if Task.isCancelled { return false }
                        waiters[id] = continuation
                        state = .waiting(waiters)
                        return nil
                    }
                }
                if let result { continuation.resume(returning: result) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                guard case .waiting(var waiters) = state, let waiter = waiters.removeValue(forKey: id) else {
                    return nil
                }
                state = .waiting(waiters)
                return waiter
            }
            waiter?.resume(returning: false)
        }
    }
}
