/// How one outbound HTTP call (to the ERP, SP-API, the Shopify Admin API, an alert hook) is
/// attempted, waited between attempts and given up — the one policy every caller configures
/// instead of writing its own loop. ``OutboundCallState`` applies it (pure), ``OutboundCall``
/// runs it (I/O).
///
/// Each caller keeps its own classification of answers (``OutboundCallState/Verdict``): which are
/// done, refused for good, worth another attempt, throttled, or a credential to refresh.
struct OutboundCallPolicy: Sendable, Equatable {
    /// What a long `Retry-After` does.
    enum LongRetryAfter: Sendable, Equatable {
        /// Wait it, clamped to ``OutboundCallPolicy/waits``.
        case clamp
        /// Give up now when it is longer than `beyond` (``OutboundCallState/GiveUpReason/retryAfterTooLong``):
        /// someone else waits, e.g. dispatch's retry tiers, due at that time.
        case giveUp(beyond: Duration)
    }

    /// How a usable `Retry-After` and the back-off combine.
    enum RetryAfterUse: Sendable, Equatable {
        /// The server's wait replaces the back-off.
        case replacesBackoff
        /// Never before the server's wait, never before the back-off either.
        case atLeastBackoff
    }

    /// The deadline of one attempt (the HTTP client's timeout); nil: the caller's client bounds
    /// each attempt itself (the ERP client's `requestTimeout`).
    var attemptTimeout: Duration?
    /// The whole call's deadline from its first attempt: no wait ends past it (nil: none).
    var deadline: Duration?
    /// Failed attempts that count (see ``throttlesCountAsAttempts``) before the call gives up; nil: no limit.
    var maxAttempts: Int?
    /// Throttle waits allowed before the call gives up; nil: no limit.
    var maxThrottledWaits: Int?
    /// Whether a throttle answer spends an attempt (and steps ``backoff`` rather than ``throttleBackoff``).
    var throttlesCountAsAttempts: Bool
    /// The wait after a failed attempt (its step: the failed attempts counted).
    var backoff: OutboundBackoff
    /// The wait after a throttle answer without a usable `Retry-After` (its step: the attempts
    /// counted when throttles count, else the throttle answers).
    var throttleBackoff: OutboundBackoff
    /// Every wait — back-off or `Retry-After` — is clamped into this range, once, as a `Double`
    /// before it becomes a `Duration` (``DurationSeconds``): no value from outside can trap.
    var waits: ClosedRange<Duration>
    var longRetryAfter: LongRetryAfter = .clamp
    var retryAfterUse: RetryAfterUse = .replacesBackoff
    /// A refused credential (401/403 the caller can refresh) is refreshed once, then the call is
    /// repeated; a second refusal gives up. False: a refusal gives up at once.
    var refreshesCredentialOnce: Bool = true

    /// A policy; every limit is off unless given.
    init(
        attemptTimeout: Duration?, deadline: Duration? = nil, maxAttempts: Int? = nil, maxThrottledWaits: Int? = nil,
        throttlesCountAsAttempts: Bool = true, backoff: OutboundBackoff, throttleBackoff: OutboundBackoff? = nil,
        waits: ClosedRange<Duration>, longRetryAfter: LongRetryAfter = .clamp,
        retryAfterUse: RetryAfterUse = .replacesBackoff, refreshesCredentialOnce: Bool = true
    ) {
        self.attemptTimeout = attemptTimeout
        self.deadline = deadline
        self.maxAttempts = maxAttempts
        self.maxThrottledWaits = maxThrottledWaits
        self.throttlesCountAsAttempts = throttlesCountAsAttempts
        self.backoff = backoff
        self.throttleBackoff = throttleBackoff ?? backoff
        self.waits = waits
        self.longRetryAfter = longRetryAfter
        self.retryAfterUse = retryAfterUse
        self.refreshesCredentialOnce = refreshesCredentialOnce
    }
}
