import AsyncHTTPClient
import Foundation
import Logging

/// Access tokens for NetSuite REST web services through OAuth 2.0 client credentials: a fresh
/// ``NetSuiteClientAssertion`` POSTed to the token endpoint (`grant_type=client_credentials`,
/// `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`), the token
/// cached until `refreshMargin` before it expires and shared by every request. Concurrent callers
/// wait on one token request. Neither the key nor a token is ever logged.
public actor NetSuiteOAuth2TokenProvider {
    private let assertion: NetSuiteClientAssertion
    private let endpoint: TokenEndpoint
    private let refreshMargin: TimeInterval
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let cache = TokenCache()

    /// Token requests made so far.
    public private(set) var tokenRequests = 0

    public init(
        assertion: NetSuiteClientAssertion, tokenURL: String, client: HTTPClient = .shared,
        refreshMargin: TimeInterval = 60, requestTimeout: Duration = .seconds(30),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "driftless.auth.netsuite")
    ) {
        self.assertion = assertion
        endpoint = TokenEndpoint(url: tokenURL, client: client, timeout: requestTimeout)
        self.refreshMargin = refreshMargin
        self.now = now
        self.logger = logger
    }

    /// A token good for at least `refreshMargin` more (cached, or fetched now).
    public func accessToken() async throws -> Secret {
        try await cache.token(now: now(), margin: refreshMargin) { try await self.fetch() }
    }

    /// Drops `token` from the cache after the ERP refused it (401), so the next call fetches anew.
    public func invalidate(_ token: Secret) async {
        await cache.invalidate(token)
    }

    private func fetch() async throws -> AccessToken {
        tokenRequests += 1
        let issued = now()
        let jwt = try assertion.make(audience: endpoint.url, now: issued)
        let token = try await endpoint.requestToken(
            form: [
                ("grant_type", "client_credentials"),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", jwt),
            ], now: issued)
        logger.debug("netsuite access token obtained", metadata: ["expires": "\(token.expiresAt)"])
        return token
    }
}
