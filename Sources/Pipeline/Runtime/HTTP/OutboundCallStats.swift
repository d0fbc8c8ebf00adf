/// What one outbound call did: attempts sent, retries made, waits the server set (throttle answers
/// and `Retry-After`s), credentials refreshed, and the time spent waiting.
struct OutboundCallStats: Sendable, Equatable {
    /// Attempts whose answer (or failure) was classified.
    var attempts = 0
    /// Attempts sent again after a failure, a throttle or a refresh.
    var retries = 0
    /// Retries whose wait the server set: a throttle answer, or any answer with a `Retry-After`.
    var throttled = 0
    /// Credentials refreshed after a refusal (at most one per call).
    var refreshed = 0
    /// Time waited between attempts.
    var waited: Duration = .zero
}
