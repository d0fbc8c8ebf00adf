import Logging

/// One ERP destination's circuit breaker and credential pause (``DestinationState``), shared by
/// every order dispatched to it: requests ask ``admit(isStopping:)`` before they go and report
/// their outcome with ``record(_:probe:)``. While the breaker is open or the destination paused,
/// dispatch waits here; the stage's batch stays unfinished, the consumer's bounded buffer fills
/// and back-pressure pauses its partitions, so the consumer stays in its group and nothing past the
/// waiting work is acknowledged.
///
/// Transitions are logged (an opened breaker as an error, a credential pause as a critical alarm)
/// and shown on `/status` as the `erp` component.
public actor DestinationGate {
    /// What `/status` and tests see.
    public struct Snapshot: Sendable, Equatable {
        /// `closed`, `open`, `probing`, `paused` or `paused-probing`.
        public var state: String
        public var consecutiveFailures: Int
        /// Times the breaker opened.
        public var opens: Int
        /// Times the destination was paused for refused credentials.
        public var pauses: Int
        /// The refusal behind the current pause.
        public var pauseDetail: String?
    }

    private var state: DestinationState
    /// Requests in flight at once (the ERP's concurrency limit): a request holds a permit from
    /// admission to its recorded outcome, so when the breaker opens at most this many are out.
    private let permits: AsyncLimiter
    private var pauses = 0
    /// The last transient failure, for the log line when the breaker opens.
    private var lastFailure = ""
    private let name: String
    private let health: HealthState?
    private let logger: Logger

    public init(
        name: String, policy: DispatchPolicy, maxConcurrentRequests: Int, health: HealthState? = nil, logger: Logger
    ) {
        state = DestinationState(policy: policy)
        permits = AsyncLimiter(limit: maxConcurrentRequests)
        self.name = name
        self.health = health
        self.logger = logger
        health?.setComponent(name, "closed")
    }

    /// Waits until a request may go (a permit, and the breaker lets it). Returns whether it is the
    /// probe, or nil when `isStopping`. A non-nil answer must be followed by ``record(_:probe:)``.
    func admit(isStopping: @Sendable () -> Bool) async -> Bool? {
        while true {
            if isStopping() { return nil }
            await permits.acquire()
            switch state.admit(now: .now) {
            case .send(let probe):
                return probe
            case .wait(let until):
                await permits.release()
                // Short naps, so a stop is noticed soon and a settled probe lets waiters go.
                try? await Task.sleep(until: min(until, .now + .milliseconds(250)), clock: .continuous)
            }
        }
    }

    /// Records how a request admitted as `probe` ended; returns whether a failure counts as one of
    /// the request's attempts.
    @discardableResult
    func record(_ outcome: ERPOutcome, probe: Bool) async -> Bool {
        let answer: DestinationState.Answer
        switch outcome {
        case .done, .conflict, .permanent: answer = .answered
        case .transient(let status, _, let detail):
            answer = .transient
            lastFailure = "\(status.map { "HTTP \($0) " } ?? "")\(detail.prefix(160))"
        case .unauthorized(let status, let detail): answer = .unauthorized("HTTP \(status) \(detail)")
        }
        let (counts, transition) = state.record(answer, probe: probe, now: .now)
        if let transition { report(transition) }
        await permits.release()  // after the state changed, so the next admission sees it
        return counts
    }

    /// The destination's state now.
    public var snapshot: Snapshot {
        var detail: String?
        switch state.mode {
        case .paused(let why, _), .pausedProbing(let why): detail = why
        default: break
        }
        return Snapshot(
            state: state.name, consecutiveFailures: state.consecutiveFailures, opens: state.opens, pauses: pauses,
            pauseDetail: detail)
    }

    private func report(_ transition: DestinationState.Transition) {
        let metadata: Logger.Metadata = ["destination": "\(name)"]
        switch transition {
        case .opened(let failures, let openFor):
            logger.error(
                "ERP circuit breaker open: dispatch stops, partitions are held back; one probe after the open time",
                metadata: metadata.merging([
                    "failures": "\(failures)", "open-for": "\(openFor)", "last-failure": "\(lastFailure)",
                ]) { $1 })
        case .reopened(let openFor):
            logger.warning(
                "ERP circuit breaker probe failed: open again",
                metadata: metadata.merging(["open-for": "\(openFor)"]) { $1 })
        case .closed:
            logger.notice("ERP circuit breaker closed: the probe succeeded, dispatch resumes", metadata: metadata)
        case .paused(let detail):
            pauses += 1
            logger.critical(
                "ALARM: the ERP refused dispatch's credentials; destination paused (no messages are spent, offsets stay put) until a probe is accepted",
                metadata: metadata.merging(["answer": "\(detail)"]) { $1 })
        case .resumed:
            logger.notice("ERP accepted the credentials again: destination resumed", metadata: metadata)
        }
        health?.setComponent(name, state.name)
    }
}

extension DestinationGate {
    /// The gate of the ERP destination `erp` (component `erp` on `/status`).
    static func erp(
        _ erp: ERPConfiguration, policy: DispatchPolicy, health: HealthState?, logger: Logger
    ) -> DestinationGate {
        DestinationGate(
            name: "erp", policy: policy, maxConcurrentRequests: erp.maxConcurrentRequests, health: health,
            logger: logger)
    }
}
