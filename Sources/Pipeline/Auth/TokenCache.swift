import Foundation

/// One cached access token shared by every caller of a token provider: handed out while it is good
/// for at least the margin more, replaced through one request when it is not (concurrent callers
/// wait for the same request), dropped when the server refused it.
actor TokenCache {
    private var cached: AccessToken?
    private var pending: Task<AccessToken, any Error>?

    /// The cached token if good for `margin` more seconds at `now`, else a new one from `fetch`.
    func token(
        now: Date, margin: TimeInterval, fetch: @escaping @Sendable () async throws -> AccessToken
    ) async throws -> Secret {
        if let cached, cached.isFresh(at: now, margin: margin) { return cached.value }
        if let pending { return try await pending.value.value }
        let task = Task { try await fetch() }
        pending = task
        defer { pending = nil }
        let token = try await task.value
        cached = token
        return token.value
    }

    /// Forgets `token` (the server refused it), so the next caller fetches anew.
    func invalidate(_ token: Secret) {
        if cached?.value == token { cached = nil }
    }
}
