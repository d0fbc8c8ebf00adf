import Foundation

/// The decisions of one outbound call under an ``OutboundCallPolicy``, as a pure state machine:
/// the caller classifies each attempt's answer (``Verdict``) and is told what to do next
/// (``Action``). No I/O, no clock and no randomness of its own — the time and the generator are
/// passed in — so every rule is testable without a server (``OutboundCall`` does the I/O).
struct OutboundCallState: Sendable {
    /// How the caller classified one attempt.
    enum Verdict: Sendable, Equatable {
        /// Done: the answer is the call's.
        case success
        /// Refused for good (a 4xx the caller will not repeat, a conflict to resolve elsewhere).
        case refused
        /// Worth another attempt after a wait.
        case failed(Failure)
        /// The credential was refused (401/403) and the caller can refresh it.
        case credentialRefused
        /// Send again at once without spending an attempt: the wait happened elsewhere (dispatch's
        /// gate holds requests while the destination is paused).
        case resend
        /// The caller is stopping; nothing was sent.
        case stopped
    }

    /// A failed attempt worth repeating.
    struct Failure: Sendable, Equatable {
        /// A throttle answer (429, a GraphQL `THROTTLED`).
        var throttled = false
        /// Whether it spends an attempt (dispatch: failures the circuit breaker explains do not).
        var counts = true
        /// The server's `Retry-After` (or a wait it stated otherwise), in seconds as read: clamped
        /// here, once. Nil: none, or unusable.
        var retryAfter: Double?
        /// The shortest interval the server's stated rate allows, in seconds (SP-API's
        /// `x-amzn-RateLimit-Limit`), used when there is no `Retry-After`.
        var minimumInterval: Double?

        init(throttled: Bool = false, counts: Bool = true, retryAfter: Double? = nil, minimumInterval: Double? = nil) {
            self.throttled = throttled
            self.counts = counts
            self.retryAfter = retryAfter
            self.minimumInterval = minimumInterval
        }
    }

    /// What the caller does next.
    enum Action: Sendable, Equatable {
        /// Wait `after`, then attempt again. `throttled`: the server set the wait (a throttle
        /// answer or a `Retry-After`), what callers count as rate-limit waits.
        case retry(after: Duration, throttled: Bool)
        /// Refresh the credential, then attempt again at once.
        case refreshThenRetry
        /// Stop; the last answer stands.
        case giveUp(GiveUpReason)
        /// The last answer is the call's.
        case done
    }

    /// Why a call gave up.
    enum GiveUpReason: Sendable, Equatable {
        /// The caller classified the answer as final.
        case refused
        /// ``OutboundCallPolicy/maxAttempts`` failed attempts.
        case attemptsExhausted
        /// More throttle answers than ``OutboundCallPolicy/maxThrottledWaits``.
        case throttledTooLong
        /// A `Retry-After` longer than ``OutboundCallPolicy/LongRetryAfter/giveUp(beyond:)`` allows.
        case retryAfterTooLong
        /// The next attempt would start after ``OutboundCallPolicy/deadline``.
        case deadlineExceeded
        /// Refused again after the refresh (or no refresh allowed or possible).
        case credentialRefused
        /// The caller stopped.
        case stopped
    }

    let policy: OutboundCallPolicy
    let started: ContinuousClock.Instant
    /// Failed attempts counted towards ``OutboundCallPolicy/maxAttempts``.
    private(set) var counted = 0
    /// Throttle answers seen.
    private(set) var throttles = 0
    private(set) var refreshed = false
    private(set) var stats = OutboundCallStats()

    /// A call starting at `started`.
    init(policy: OutboundCallPolicy, started: ContinuousClock.Instant) {
        self.policy = policy
        self.started = started
    }

    /// The action after an attempt the caller classified as `verdict`, at `now`; `random` jitters
    /// the back-off.
    mutating func next(
        after verdict: Verdict, now: ContinuousClock.Instant, random: inout some RandomNumberGenerator
    ) -> Action {
        switch verdict {
        case .stopped:
            return .giveUp(.stopped)
        case .success:
            stats.attempts += 1
            return .done
        case .refused:
            stats.attempts += 1
            return .giveUp(.refused)
        case .credentialRefused:
            stats.attempts += 1
            guard policy.refreshesCredentialOnce, !refreshed else { return .giveUp(.credentialRefused) }
            guard !isPastDeadline(now) else { return .giveUp(.deadlineExceeded) }
            refreshed = true
            stats.refreshed += 1
            stats.retries += 1
            return .refreshThenRetry
        case .resend:
            stats.attempts += 1
            guard !isPastDeadline(now) else { return .giveUp(.deadlineExceeded) }
            stats.retries += 1
            return .retry(after: .zero, throttled: false)
        case .failed(let failure):
            stats.attempts += 1
            return next(after: failure, now: now, random: &random)
        }
    }

    private mutating func next(
        after failure: Failure, now: ContinuousClock.Instant, random: inout some RandomNumberGenerator
    ) -> Action {
        if failure.throttled { throttles += 1 }
        if failure.counts, !failure.throttled || policy.throttlesCountAsAttempts { counted += 1 }
        if let maxAttempts = policy.maxAttempts, counted >= maxAttempts { return .giveUp(.attemptsExhausted) }
        if failure.throttled, let maxThrottles = policy.maxThrottledWaits, throttles > maxThrottles {
            return .giveUp(.throttledTooLong)
        }
        let retryAfter = failure.retryAfter.flatMap { $0.isNaN ? nil : $0 }
        if let retryAfter, case .giveUp(let beyond) = policy.longRetryAfter, retryAfter > DurationSeconds.of(beyond) {
            return .giveUp(.retryAfterTooLong)
        }
        var seconds: Double
        if let retryAfter, policy.retryAfterUse == .replacesBackoff {
            seconds = retryAfter
        } else {
            let throttleSchedule = failure.throttled && retryAfter == nil
            let schedule = throttleSchedule ? policy.throttleBackoff : policy.backoff
            let step = throttleSchedule && !policy.throttlesCountAsAttempts ? throttles : counted
            seconds = schedule.seconds(step: step, random: &random)
            if let retryAfter {
                seconds = max(seconds, retryAfter)
            } else if let interval = failure.minimumInterval, !interval.isNaN {
                seconds = max(seconds, interval)
            }
        }
        let wait = DurationSeconds.clamped(seconds, to: policy.waits, otherwise: policy.waits.upperBound)
        if let deadline = policy.deadline, now + wait > started + deadline { return .giveUp(.deadlineExceeded) }
        let throttled = failure.throttled || retryAfter != nil
        stats.retries += 1
        stats.waited += wait
        if throttled { stats.throttled += 1 }
        return .retry(after: wait, throttled: throttled)
    }

    private func isPastDeadline(_ now: ContinuousClock.Instant) -> Bool {
        guard let deadline = policy.deadline else { return false }
        return now >= started + deadline
    }
}
