/// How the ERP client authenticates (`erp.auth.mode`).
public enum ERPAuthentication: Sendable, Hashable, CustomStringConvertible {
    /// A static bearer token (`erp.token`): the simulator and development. The default.
    case bearer(token: Secret)
    /// NetSuite OAuth 2.0 machine-to-machine: client credentials with a JWT client assertion.
    case oauth2(NetSuiteOAuth2Configuration)
    /// NetSuite token-based authentication (OAuth 1.0 header, HMAC-SHA256) for existing integrations.
    case tba(NetSuiteTBACredentials)

    /// The mode's name as configured (`bearer`, `oauth2`, `tba`).
    public var mode: String {
        switch self {
        case .bearer: "bearer"
        case .oauth2: "oauth2"
        case .tba: "tba"
        }
    }

    public var description: String { "erp authentication \(mode)" }

    /// An empty secret or identifier is a configuration error naming its setting.
    func validate() throws(PipelineConfigurationError) {
        func require(_ text: String, _ setting: String, secret: Bool) throws(PipelineConfigurationError) {
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw secret ? .emptySecret(setting: setting) : .invalidValue(field: setting, value: "")
            }
        }
        switch self {
        case .bearer(let token):
            try require(token.value, "erp.token", secret: true)
        case .oauth2(let settings):
            try require(settings.clientID, "erp.oauth2.clientId", secret: false)
            try require(settings.certificateID, "erp.oauth2.certificateId", secret: false)
            try require(settings.privateKey.value, "erp.oauth2.privateKey", secret: true)
            try require(settings.scope, "erp.oauth2.scope", secret: false)
            _ = try NetSuiteClientAssertion(configuration: settings, setting: "erp.oauth2.privateKey")
        case .tba(let credentials):
            try require(credentials.accountID, "erp.tba.accountId", secret: false)
            try require(credentials.consumerKey, "erp.tba.consumerKey", secret: false)
            try require(credentials.consumerSecret.value, "erp.tba.consumerSecret", secret: true)
            try require(credentials.tokenID, "erp.tba.tokenId", secret: false)
            try require(credentials.tokenSecret.value, "erp.tba.tokenSecret", secret: true)
        }
    }
}
