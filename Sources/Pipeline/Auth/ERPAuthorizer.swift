import AsyncHTTPClient

/// Makes the `Authorization` header of each ERP request for the configured ``ERPAuthentication``:
/// the static token, a cached OAuth 2.0 access token, or a fresh TBA signature over the method and
/// the full URL.
enum ERPAuthorizer: Sendable {
    case bearer(Secret)
    case oauth2(NetSuiteOAuth2TokenProvider)
    case tba(NetSuiteTBASigner)

    init(_ authentication: ERPAuthentication, baseURL: String, client: HTTPClient, requestTimeout: Duration)
        throws(PipelineConfigurationError)
    {
        switch authentication {
        case .bearer(let token): self = .bearer(token)
        case .oauth2(let settings):
            let assertion = try NetSuiteClientAssertion(configuration: settings, setting: "erp.oauth2.privateKey")
            self = .oauth2(
                NetSuiteOAuth2TokenProvider(
                    assertion: assertion,
                    tokenURL: settings.tokenURL ?? baseURL + NetSuiteOAuth2Configuration.tokenPath,
                    client: client, requestTimeout: requestTimeout))
        case .tba(let credentials): self = .tba(NetSuiteTBASigner(credentials: credentials))
        }
    }

    /// The header value for `method` on `url`, and the bearer token used (to invalidate it on a 401).
    func header(method: String, url: String) async throws -> (value: String, token: Secret?) {
        switch self {
        case .bearer(let token):
            return ("Bearer \(token.value)", nil)
        case .oauth2(let provider):
            let token = try await provider.accessToken()
            return ("Bearer \(token.value)", token)
        case .tba(let signer):
            return (signer.authorization(method: method, url: url), nil)
        }
    }

    /// After a 401/403: whether a retry with a new credential can help (an OAuth 2.0 token is dropped
    /// so the retry fetches a fresh one).
    func refused(_ token: Secret?) async -> Bool {
        guard case .oauth2(let provider) = self, let token else { return false }
        await provider.invalidate(token)
        return true
    }
}
