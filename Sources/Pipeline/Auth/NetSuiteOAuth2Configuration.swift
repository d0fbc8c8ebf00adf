/// NetSuite OAuth 2.0 machine-to-machine (client credentials) settings: the integration record's
/// client id, the certificate id of the key mapped to it and that key (EC P-256, PEM, signing
/// `ES256` client assertions). The private key is a ``Secret`` and never printed.
public struct NetSuiteOAuth2Configuration: Sendable, Hashable {
    /// The integration record's client id (the assertion's `iss`).
    public var clientID: String
    /// The certificate id NetSuite shows for the mapped certificate (the assertion's `kid`).
    public var certificateID: String
    /// The certificate's private key, PEM (`-----BEGIN PRIVATE KEY-----` or `EC PRIVATE KEY`), P-256.
    public var privateKey: Secret
    /// Requested scopes, comma separated (default `restlets,rest_webservices`).
    public var scope: String
    /// The token endpoint; nil: `<erp.baseURL>/services/rest/auth/oauth2/v1/token`.
    public var tokenURL: String?

    public init(
        clientID: String, certificateID: String, privateKey: Secret, scope: String = "restlets,rest_webservices",
        tokenURL: String? = nil
    ) {
        self.clientID = clientID
        self.certificateID = certificateID
        self.privateKey = privateKey
        self.scope = scope
        self.tokenURL = tokenURL
    }

    /// The token path under an account's REST base.
    public static let tokenPath = "/services/rest/auth/oauth2/v1/token"
}
