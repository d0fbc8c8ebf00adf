/// Login with Amazon (LWA) credentials of an SP-API application: client id and secret, and the
/// seller's refresh token, exchanged at the regional token endpoint for access tokens that go into
/// `x-amz-access-token`. Secrets are ``Secret``s and never printed.
public struct LWAConfiguration: Sendable, Hashable {
    /// North America's token endpoint (EU: `https://api.amazon.co.uk/auth/o2/token`, FE:
    /// `https://api.amazon.co.jp/auth/o2/token`).
    public static let northAmerica = "https://api.amazon.com/auth/o2/token"

    /// The regional token endpoint.
    public var tokenURL: String
    /// The application's LWA client id.
    public var clientID: String
    /// The application's LWA client secret.
    public var clientSecret: Secret
    /// The seller authorization's refresh token.
    public var refreshToken: Secret
    /// How long before expiry a token is replaced (SP-API tokens live 3600 s).
    public var refreshMarginSeconds: Double

    public init(
        tokenURL: String = LWAConfiguration.northAmerica, clientID: String, clientSecret: Secret,
        refreshToken: Secret, refreshMarginSeconds: Double = 60
    ) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
        self.refreshMarginSeconds = refreshMarginSeconds
    }

    /// Empty values are configuration errors naming the setting.
    public func validate() throws(PipelineConfigurationError) {
        guard !clientID.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .invalidValue(field: "poller.lwa.clientId", value: "")
        }
        guard !clientSecret.value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .emptySecret(setting: "poller.lwa.clientSecret")
        }
        guard !refreshToken.value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .emptySecret(setting: "poller.lwa.refreshToken")
        }
        guard tokenURL.hasPrefix("https://") || tokenURL.hasPrefix("http://") else {
            throw .invalidValue(field: "poller.lwa.tokenUrl", value: tokenURL)
        }
    }
}
