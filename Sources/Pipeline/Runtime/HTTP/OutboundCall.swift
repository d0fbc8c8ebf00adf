/// Runs one outbound call under an ``OutboundCallPolicy``: paces each attempt, makes it, lets the
/// caller classify the answer, and does what ``OutboundCallState`` decides — wait and attempt
/// again, refresh the credential and attempt again, or stop. The caller's closures do the I/O of one
/// attempt (``HTTPAttempt`` for a plain AsyncHTTPClient request) and keep their own classification
/// and stats; errors they throw end the call and are rethrown.
struct OutboundCall<Answer> {
    /// How a call ended: its last answer (nil when it stopped before one) and what it did.
    struct Ending {
        /// Nil when done; why it gave up otherwise.
        var gaveUp: OutboundCallState.GiveUpReason?
        var last: Answer?
        var stats: OutboundCallStats
        /// Failed attempts counted towards the policy's limit.
        var counted: Int
    }

    let policy: OutboundCallPolicy
    /// Waits for the attempt's place before it goes (a ``RequestPacer``'s usage plan); nil: none.
    var pace: (() async throws -> Void)?
    /// Checked before each attempt and after each wait: true ends the call (``OutboundCallState/GiveUpReason/stopped``).
    var isStopping: () -> Bool = { Task.isCancelled }
    /// Waits between attempts; a throw ends the call as stopped (cancellation).
    var sleep: (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    var now: () -> ContinuousClock.Instant = { .now }

    init(policy: OutboundCallPolicy) {
        self.policy = policy
    }

    /// Attempts until done or given up. `attempt` sends once (`attempt(n)`, n from 1);
    /// `classify` sorts its answer; `refresh` renews the refused credential (false: it cannot);
    /// `onRetry` sees each wait before it is waited (the caller's own stats and logs).
    func run(
        random: some RandomNumberGenerator = SystemRandomNumberGenerator(),
        isolation: isolated (any Actor)? = #isolation,
        attempt: (Int) async throws -> Answer,
        classify: (Answer) -> OutboundCallState.Verdict,
        refresh: (Answer) async throws -> Bool = { _ in false },
        onRetry: (_ wait: Duration, _ throttled: Bool, _ answer: Answer) -> Void = { _, _, _ in }
    ) async throws -> Ending {
        var random = random
        var state = OutboundCallState(policy: policy, started: now())
        var last: Answer?
        func ending(_ reason: OutboundCallState.GiveUpReason?) -> Ending {
            Ending(gaveUp: reason, last: last, stats: state.stats, counted: state.counted)
        }
        while true {
            if isStopping() { return ending(.stopped) }
            if let pace { try await pace() }
            let answer = try await attempt(state.stats.attempts + 1)
            last = answer
            switch state.next(after: classify(answer), now: now(), random: &random) {
            case .done:
                return ending(nil)
            case .giveUp(let reason):
                return ending(reason)
            case .refreshThenRetry:
                guard try await refresh(answer) else { return ending(.credentialRefused) }
            case .retry(let wait, let throttled):
                onRetry(wait, throttled, answer)
                // Also a zero wait: it still yields, and an injected sleep sees every wait.
                do { try await sleep(wait) } catch { return ending(.stopped) }
                if isStopping() { return ending(.stopped) }
            }
        }
    }
}
