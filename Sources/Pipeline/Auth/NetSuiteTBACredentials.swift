/// NetSuite token-based authentication (TBA) credentials: the integration record's consumer
/// key/secret and an access token's id/secret, for the account `accountID` (the `realm`, e.g.
/// `1234567` or `1234567_SB1`). The secrets are ``Secret``s and never printed.
public struct NetSuiteTBACredentials: Sendable, Hashable {
    /// The account id, sent as the OAuth `realm`.
    public var accountID: String
    /// The integration record's consumer key (`oauth_consumer_key`).
    public var consumerKey: String
    /// The integration record's consumer secret (first half of the signing key).
    public var consumerSecret: Secret
    /// The access token's id (`oauth_token`).
    public var tokenID: String
    /// The access token's secret (second half of the signing key).
    public var tokenSecret: Secret

    public init(accountID: String, consumerKey: String, consumerSecret: Secret, tokenID: String, tokenSecret: Secret) {
        self.accountID = accountID
        self.consumerKey = consumerKey
        self.consumerSecret = consumerSecret
        self.tokenID = tokenID
        self.tokenSecret = tokenSecret
    }
}
