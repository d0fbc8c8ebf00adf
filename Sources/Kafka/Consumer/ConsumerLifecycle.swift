/// The consumer's lifecycle, one value instead of loose flags: running → closing (a close was
/// requested: the poll thread leaves its loop, commits, closes the client) → closed. Whoever waits
/// for the close is kept in the state it waits in and handed back when the consumer is closed.
enum ConsumerLifecycle {
    typealias Waiter = CheckedContinuation<Void, Never>

    case running(closeWaiters: [Waiter])
    case closing(closeWaiters: [Waiter])
    case closed

    static let initial = ConsumerLifecycle.running(closeWaiters: [])

    /// Whether a close was requested (the poll thread stops; new commands are refused).
    var isClosing: Bool {
        if case .running = self { return false }
        return true
    }

    /// A close is requested (again: nothing changes).
    mutating func requestClose() {
        if case .running(let waiters) = self { self = .closing(closeWaiters: waiters) }
    }

    /// What to do with someone who waits for the close.
    enum WaitAction: Equatable {
        /// Already closed: resume them now.
        case resumeNow
        /// Kept; ``finish()`` hands them back.
        case wait
    }

    /// `waiter` waits for the close.
    mutating func waitForClose(_ waiter: Waiter) -> WaitAction {
        switch self {
        case .running(var waiters):
            waiters.append(waiter)
            self = .running(closeWaiters: waiters)
            return .wait
        case .closing(var waiters):
            waiters.append(waiter)
            self = .closing(closeWaiters: waiters)
            return .wait
        case .closed:
            return .resumeNow
        }
    }

    /// The client is closed; returns those to resume.
    mutating func finish() -> [Waiter] {
        defer { self = .closed }
        switch self {
        case .running(let waiters), .closing(let waiters): return waiters
        case .closed: return []
        }
    }
}
