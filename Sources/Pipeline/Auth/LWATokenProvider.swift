import AsyncHTTPClient
import Foundation
import Logging

/// LWA access tokens for every SP-API call of a process: the refresh-token grant
/// (`grant_type=refresh_token`, `refresh_token`, `client_id`, `client_secret`) against the regional
/// token endpoint, the token cached and replaced `refreshMarginSeconds` before it expires, so a
/// call never goes out with a token about to lapse. Concurrent callers share one token request.
/// A refused refresh (a revoked authorization, a wrong secret) is ``TokenEndpointError/rejected``
/// and is not retried here. Neither secrets nor tokens are ever logged.
public actor LWATokenProvider {
    private let configuration: LWAConfiguration
    private let endpoint: TokenEndpoint
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let cache = TokenCache()

    /// Token requests made so far.
    public private(set) var refreshes = 0

    public init(
        configuration: LWAConfiguration, client: HTTPClient = .shared, requestTimeout: Duration = .seconds(30),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "driftless.auth.lwa")
    ) {
        self.configuration = configuration
        endpoint = TokenEndpoint(url: configuration.tokenURL, client: client, timeout: requestTimeout)
        self.now = now
        self.logger = logger
    }

    /// A token good for at least the refresh margin more (cached, or fetched now).
    public func accessToken() async throws -> Secret {
        try await cache.token(now: now(), margin: configuration.refreshMarginSeconds) { try await self.refresh() }
    }

    /// Drops `token` after SP-API refused it (401/403), so the next call refreshes.
    public func invalidate(_ token: Secret) async {
        await cache.invalidate(token)
    }

    private func refresh() async throws -> AccessToken {
        refreshes += 1
        let token = try await endpoint.requestToken(
            form: [
                ("grant_type", "refresh_token"), ("refresh_token", configuration.refreshToken.value),
                ("client_id", configuration.clientID), ("client_secret", configuration.clientSecret.value),
            ], now: now())
        logger.debug("lwa access token refreshed", metadata: ["expires": "\(token.expiresAt)"])
        return token
    }
}
