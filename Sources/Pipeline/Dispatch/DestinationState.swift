/// The circuit breaker and credential pause of one ERP destination: a state machine that takes
/// what happened and returns what changed, so ``DestinationGate`` only waits, logs and reports.
///
/// Closed: requests go. After `breakerConsecutiveFailures` transient failures in a row, or a failure
/// ratio over the last `breakerWindow` requests of at least `breakerFailureRatio`, it opens: nothing
/// goes until the open time passed, then exactly one probe. A successful probe closes it; a failed
/// one opens it again for twice as long (up to `breakerMaxOpen`). A 401/403 pauses the destination
/// (a configuration problem: sending more would only burn messages); one probe goes every
/// `pauseProbeInterval`, and an accepted probe resumes it.
struct DestinationState: Sendable {
    enum Mode: Sendable, Equatable {
        case closed
        case open(until: ContinuousClock.Instant, openFor: Duration)
        case probing(openFor: Duration)
        case paused(detail: String, probeAt: ContinuousClock.Instant)
        case pausedProbing(detail: String)
    }

    /// Whether a request may go now.
    enum Admission: Sendable, Equatable {
        /// Send; `probe` when it decides whether the breaker closes or the pause ends.
        case send(probe: Bool)
        /// Ask again at `until` (or earlier: someone else's probe may settle it).
        case wait(until: ContinuousClock.Instant)
    }

    /// How an answer counts.
    enum Answer: Sendable, Equatable {
        /// The destination answered (2xx, conflict, permanent refusal): it is working.
        case answered
        case transient
        case unauthorized(String)
    }

    /// A change worth a log line and a health update.
    enum Transition: Sendable, Equatable {
        case opened(consecutiveFailures: Int, openFor: Duration)
        case reopened(openFor: Duration)
        case closed
        case paused(String)
        case resumed
    }

    private(set) var mode = Mode.closed
    private(set) var consecutiveFailures = 0
    private(set) var opens = 0
    private var window: [Bool] = []
    private var windowNext = 0
    let policy: DispatchPolicy

    init(policy: DispatchPolicy) {
        self.policy = policy
    }

    /// How often a waiter looks again while someone else's probe is out.
    static let probeRecheck: Duration = .milliseconds(100)

    mutating func admit(now: ContinuousClock.Instant) -> Admission {
        switch mode {
        case .closed:
            return .send(probe: false)
        case .open(let until, let openFor):
            guard now >= until else { return .wait(until: until) }
            mode = .probing(openFor: openFor)
            return .send(probe: true)
        case .probing, .pausedProbing:
            return .wait(until: now + Self.probeRecheck)
        case .paused(let detail, let probeAt):
            guard now >= probeAt else { return .wait(until: probeAt) }
            mode = .pausedProbing(detail: detail)
            return .send(probe: true)
        }
    }

    /// Records `answer` to a request admitted as `probe`. `counts`: whether the failure counts as an
    /// attempt of the request (failures the breaker or the pause explains do not).
    mutating func record(_ answer: Answer, probe: Bool, now: ContinuousClock.Instant) -> (
        counts: Bool, transition: Transition?
    ) {
        switch answer {
        case .answered:
            consecutiveFailures = 0
            push(failed: false)
            switch mode {
            case .probing where probe:
                resetWindow()
                mode = .closed
                return (false, .closed)
            case .pausedProbing where probe:
                mode = .closed
                return (false, .resumed)
            default:
                return (false, nil)
            }
        case .unauthorized(let detail):
            let wasPaused: Bool
            switch mode {
            case .paused, .pausedProbing: wasPaused = true
            default: wasPaused = false
            }
            mode = .paused(detail: detail, probeAt: now + policy.pauseProbeInterval)
            return (false, wasPaused ? nil : .paused(detail))
        case .transient:
            switch mode {
            case .probing(let openFor) where probe:
                let next = min(openFor * 2, policy.breakerMaxOpen)
                mode = .open(until: now + next, openFor: next)
                return (false, .reopened(openFor: next))
            case .pausedProbing(let detail) where probe:
                mode = .paused(detail: detail, probeAt: now + policy.pauseProbeInterval)
                return (false, nil)
            case .closed:
                consecutiveFailures += 1
                push(failed: true)
                guard consecutiveFailures >= policy.breakerConsecutiveFailures || ratioExceeded else {
                    return (true, nil)
                }
                opens += 1
                mode = .open(until: now + policy.breakerOpen, openFor: policy.breakerOpen)
                return (true, .opened(consecutiveFailures: consecutiveFailures, openFor: policy.breakerOpen))
            default:
                // Sent before the breaker opened or the pause began: the destination's state explains it.
                return (false, nil)
            }
        }
    }

    /// `closed`, `open`, `probing`, `paused` or `paused-probing`.
    var name: String {
        switch mode {
        case .closed: "closed"
        case .open: "open"
        case .probing: "probing"
        case .paused: "paused"
        case .pausedProbing: "paused-probing"
        }
    }

    private var ratioExceeded: Bool {
        guard window.count >= policy.breakerWindow else { return false }
        let failed = window.lazy.filter { $0 }.count
        return Double(failed) >= policy.breakerFailureRatio * Double(window.count)
    }

    private mutating func push(failed: Bool) {
        if window.count < policy.breakerWindow {
            window.append(failed)
        } else {
            window[windowNext] = failed
            windowNext = (windowNext + 1) % window.count
        }
    }

    private mutating func resetWindow() {
        window = []
        windowNext = 0
        consecutiveFailures = 0
    }
}
