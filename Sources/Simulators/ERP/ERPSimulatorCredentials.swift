import Crypto
import Foundation

/// What the ERP simulator accepts, as NetSuite would: a static bearer token (development), OAuth
/// 2.0 access tokens it issued itself to registered clients, and TBA signatures by one known
/// consumer/token pair. Everything else is answered 401 `INVALID_LOGIN`.
public struct ERPSimulatorCredentials: Sendable {
    /// A client registered for OAuth 2.0 client credentials: its id, the certificate id and the
    /// certificate's public key (P-256, `ES256` assertions).
    public struct OAuth2Client: Sendable {
        /// The integration's client id (the assertion's `iss`).
        public var clientID: String
        /// The mapped certificate's id (the assertion's `kid`).
        public var certificateID: String
        /// The public key's raw representation (swift-crypto's key types are not `Sendable`).
        private var publicKeyBytes: Data

        /// The public key assertions are verified with.
        public var publicKey: P256.Signing.PublicKey? {
            try? P256.Signing.PublicKey(rawRepresentation: publicKeyBytes)
        }

        public init(clientID: String, certificateID: String, publicKey: P256.Signing.PublicKey) {
            self.clientID = clientID
            self.certificateID = certificateID
            publicKeyBytes = publicKey.rawRepresentation
        }

        /// A client whose public key is given as PEM (`-----BEGIN PUBLIC KEY-----`, P-256).
        public init(clientID: String, certificateID: String, publicKeyPEM: String) throws {
            self.init(
                clientID: clientID, certificateID: certificateID,
                publicKey: try P256.Signing.PublicKey(pemRepresentation: publicKeyPEM))
        }

        /// A client with a key pair made now: the client (holding the public key) and the private
        /// key as PEM (PKCS #8), for the integration to sign its assertions with.
        public static func generated(clientID: String, certificateID: String) -> (
            client: OAuth2Client, privateKeyPEM: String
        ) {
            let key = P256.Signing.PrivateKey()
            return (
                OAuth2Client(clientID: clientID, certificateID: certificateID, publicKey: key.publicKey),
                key.pemRepresentation
            )
        }
    }

    /// The TBA pair accepted (realm = `accountID`).
    public struct TBA: Sendable {
        /// The realm.
        public var accountID: String
        /// `oauth_consumer_key`.
        public var consumerKey: String
        /// First half of the signing key.
        public var consumerSecret: String
        /// `oauth_token`.
        public var tokenID: String
        /// Second half of the signing key.
        public var tokenSecret: String

        public init(
            accountID: String, consumerKey: String, consumerSecret: String, tokenID: String, tokenSecret: String
        ) {
            self.accountID = accountID
            self.consumerKey = consumerKey
            self.consumerSecret = consumerSecret
            self.tokenID = tokenID
            self.tokenSecret = tokenSecret
        }
    }

    /// `Authorization: Bearer <token>` accepted as is (nil: none).
    public var staticToken: String?
    /// Clients that may get access tokens from `/services/rest/auth/oauth2/v1/token`.
    public var oauth2Clients: [OAuth2Client]
    /// How long an issued access token works (NetSuite: 60 minutes; tests use seconds).
    public var tokenLifetime: TimeInterval
    /// The accepted TBA pair (nil: TBA refused).
    public var tba: TBA?
    /// How far a TBA `oauth_timestamp` may be from the simulator's clock.
    public var timestampTolerance: TimeInterval

    public init(
        staticToken: String? = nil, oauth2Clients: [OAuth2Client] = [], tokenLifetime: TimeInterval = 3600,
        tba: TBA? = nil, timestampTolerance: TimeInterval = 300
    ) {
        self.staticToken = staticToken
        self.oauth2Clients = oauth2Clients
        self.tokenLifetime = tokenLifetime
        self.tba = tba
        self.timestampTolerance = timestampTolerance
    }
}
