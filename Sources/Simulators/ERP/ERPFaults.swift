import Foundation
import Synchronization

/// Faults the ERP simulator injects, changeable while it runs. Ratios draw from a seeded generator,
/// so a run is reproducible for the same order of requests.
public final class ERPFaults: Sendable {
    /// What to do with one request.
    enum Decision: Equatable {
        case proceed
        case unavailable  // 503
        case throttled(retryAfterSeconds: Int?)  // 429, `Retry-After` only when set
        case stall(Duration)  // answer after the client's timeout
        case applyThenStall(Duration)  // apply, then answer after the client's timeout (a lost answer)
        case unauthorized  // 401
        case invalid(status: Int)  // 400 / 422 for a given record
        case overConcurrency  // 429, concurrency limit
        /// No answer before the client's timeout (held `hold`), and the request lands only after
        /// `delay`: a sync write is applied then, an async request's job is created then.
        case lateCommit(hold: Duration, delay: Duration)
    }

    /// The settings.
    public struct Settings: Sendable {
        /// Added to every answer.
        public var latency: Duration = .zero
        /// Fractions of requests answered 503, 429 (with `Retry-After: retryAfterSeconds`, none when
        /// nil: NetSuite's documentation promises no `Retry-After`) and stalled.
        public var unavailableRatio = 0.0
        public var throttledRatio = 0.0
        public var retryAfterSeconds: Int? = 1
        public var stallRatio = 0.0
        public var stall: Duration = .seconds(30)
        /// Fraction of requests applied whose answer then comes only after `stall` (the client
        /// times out not knowing the write landed).
        public var lostAnswerRatio = 0.0
        /// Fraction of requests whose connection is reset (TCP RST) as soon as their head arrives,
        /// before anything is applied.
        public var resetRatio = 0.0
        /// Every request answered 401 (revoked credentials).
        public var rejectCredentials = false
        /// External or internal ids of sales orders whose writes get 422 (or 400) every time.
        public var invalidOrders: Set<String> = []
        public var invalidStatus = 422
        /// Every request answered 503 until then.
        public var outageUntil: Date?
        /// Requests handled at once; more get 429 (NetSuite's account concurrency limit). 0: no limit.
        public var concurrencyLimit = 0
        /// **Commit after the client's timeout**: fraction of writes that get no answer before
        /// `stall` and land only after `lateCommitDelay` — possibly after newer writes (NetSuite keeps
        /// processing a request whose client went away). For an asynchronous request the *arrival*
        /// lands late: its job is created (and its idempotency key checked) then.
        public var lateCommitRatio = 0.0
        public var lateCommitDelay: Duration = .seconds(2)
        /// How long an asynchronous request's job stays `pending` before it runs (zero: it runs at once).
        public var asyncJobDelay: Duration = .zero

        public init() {}
    }

    private struct State {
        var settings = Settings()
        var random: SeededRandom
        var inFlight = 0
        var highWaterMark = 0
    }

    private let state: Mutex<State>

    public init(seed: UInt64 = 42) {
        state = Mutex(State(random: SeededRandom(seed: seed)))
    }

    /// Changes the settings.
    public func update(_ body: (inout Settings) -> Void) {
        state.withLock { body(&$0.settings) }
    }

    /// The current settings.
    public var settings: Settings { state.withLock { $0.settings } }

    /// The most requests handled at once so far.
    public var concurrencyHighWaterMark: Int { state.withLock { $0.highWaterMark } }

    /// Admits a request about `orders` (the sales order ids or external ids it touches; `isWrite`:
    /// it changes records) and decides its fate; a `.proceed` or `.applyThenStall` must be followed
    /// by ``finish()``.
    func admit(orders: [String], isWrite: Bool = false, now: Date) -> (Decision, Duration) {
        state.withLock { state in
            let settings = state.settings
            if settings.rejectCredentials { return (.unauthorized, settings.latency) }
            if let until = settings.outageUntil, now < until { return (.unavailable, settings.latency) }
            if settings.concurrencyLimit > 0, state.inFlight >= settings.concurrencyLimit {
                return (.overConcurrency, settings.latency)
            }
            if orders.contains(where: settings.invalidOrders.contains) {
                return (.invalid(status: settings.invalidStatus), settings.latency)
            }
            let draw = Double(state.random.next() % 1_000_000) / 1_000_000
            if draw < settings.unavailableRatio { return (.unavailable, settings.latency) }
            if draw < settings.unavailableRatio + settings.throttledRatio {
                return (.throttled(retryAfterSeconds: settings.retryAfterSeconds), settings.latency)
            }
            if draw < settings.unavailableRatio + settings.throttledRatio + settings.stallRatio {
                return (.stall(settings.stall), settings.latency)
            }
            let stalled = settings.unavailableRatio + settings.throttledRatio + settings.stallRatio
            if isWrite, draw >= stalled + settings.lostAnswerRatio,
                draw < stalled + settings.lostAnswerRatio + settings.lateCommitRatio
            {
                return (.lateCommit(hold: settings.stall, delay: settings.lateCommitDelay), settings.latency)
            }
            state.inFlight += 1
            state.highWaterMark = max(state.highWaterMark, state.inFlight)
            if draw < settings.unavailableRatio + settings.throttledRatio + settings.stallRatio
                + settings.lostAnswerRatio
            {
                return (.applyThenStall(settings.stall), settings.latency)
            }
            return (.proceed, settings.latency)
        }
    }

    /// Whether to reset the connection of the request whose head just arrived.
    func drawReset() -> Bool {
        state.withLock { state in
            guard state.settings.resetRatio > 0 else { return false }
            return Double(state.random.next() % 1_000_000) / 1_000_000 < state.settings.resetRatio
        }
    }

    /// A proceeding request is done.
    func finish() {
        state.withLock { $0.inFlight -= 1 }
    }
}
