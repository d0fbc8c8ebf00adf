/// The producer's lifecycle, one value instead of loose flags: running → draining (a close was
/// requested: no new records, outstanding deliveries are awaited until a deadline, then purged) →
/// finished (the delivery thread ended). Its methods return what the caller must do; whoever waits
/// for the close is kept in the state it waits in and handed back once the producer finished.
///
/// Held under a lock by ``ProducerCore``: the delivery thread asks it, once per poll, whether to keep
/// polling, purge what is left or stop; ``KafkaProducer/close(timeout:)`` moves it to draining.
struct ProducerLifecycle {
    typealias Waiter = CheckedContinuation<Void, Never>

    enum State {
        case running(closeWaiters: [Waiter])
        /// `purged`: what was outstanding at `deadline` was purged; `deadline` is then the grace
        /// period for the purged records' reports.
        case draining(deadline: ContinuousClock.Instant, purged: Bool, closeWaiters: [Waiter])
        case finished
    }

    private(set) var state = State.running(closeWaiters: [])

    /// What a close request must do.
    enum CloseAction: Equatable {
        /// The first request: refuse new records from now on (close the delivery table).
        case stopAccepting
        /// Already closing or closed: nothing (a second close is a no-op).
        case none
    }

    /// A close is requested: drain until `deadline`.
    mutating func requestClose(deadline: ContinuousClock.Instant) -> CloseAction {
        guard case .running(let waiters) = state else { return .none }
        state = .draining(deadline: deadline, purged: false, closeWaiters: waiters)
        return .stopAccepting
    }

    /// Whether the producer still accepts records (no close requested).
    var isRunning: Bool {
        if case .running = state { return true }
        return false
    }

    /// What the delivery thread does next.
    enum PollAction: Equatable {
        /// Serve the next event.
        case poll
        /// Draining: count what is outstanding and ask ``drainStep(outstanding:now:)``.
        case checkDrained
        /// Finished: leave the loop.
        case stop
    }

    /// Asked by the delivery thread before each poll.
    func pollAction() -> PollAction {
        switch state {
        case .running: .poll
        case .draining: .checkDrained
        case .finished: .stop
        }
    }

    /// What draining does with `outstanding` records (queued in librdkafka or awaiting their report).
    enum DrainAction: Equatable {
        case poll
        /// The deadline passed: purge what is left (their reports carry an error), then poll for a
        /// short grace period.
        case purge
        /// Nothing left, or the grace period after the purge ended: leave the loop.
        case stop
    }

    /// While draining: whether to keep polling, purge or stop. `grace`: how long purged records'
    /// reports are awaited after the purge.
    mutating func drainStep(
        outstanding: Int, now: ContinuousClock.Instant, grace: Duration = .milliseconds(500)
    ) -> DrainAction {
        guard case .draining(let deadline, let purged, let waiters) = state else {
            return pollAction() == .stop ? .stop : .poll
        }
        if outstanding == 0 { return .stop }
        guard now >= deadline else { return .poll }
        if purged { return .stop }
        state = .draining(deadline: now + grace, purged: true, closeWaiters: waiters)
        return .purge
    }

    /// What to do with someone who waits for the close.
    enum WaitAction: Equatable {
        /// Already finished: resume them now.
        case resumeNow
        /// Kept; ``finish()`` hands them back.
        case wait
    }

    /// `waiter` waits until the producer finished.
    mutating func waitForFinish(_ waiter: Waiter) -> WaitAction {
        switch state {
        case .running(var waiters):
            waiters.append(waiter)
            state = .running(closeWaiters: waiters)
            return .wait
        case .draining(let deadline, let purged, var waiters):
            waiters.append(waiter)
            state = .draining(deadline: deadline, purged: purged, closeWaiters: waiters)
            return .wait
        case .finished:
            return .resumeNow
        }
    }

    /// The delivery thread ended; returns those to resume (none the second time).
    mutating func finish() -> [Waiter] {
        defer { state = .finished }
        switch state {
        case .running(let waiters), .draining(_, _, let waiters): return waiters
        case .finished: return []
        }
    }
}
