import Foundation

/// The one SP-API application and seller authorization the marketplace simulator's LWA token
/// endpoint knows, and how long the access tokens it issues live (SP-API: 3600 s; tests: seconds).
public struct LWASimulatorCredentials: Sendable {
    /// The application's client id.
    public var clientID: String
    /// The application's client secret.
    public var clientSecret: String
    /// The seller authorization's refresh token.
    public var refreshToken: String
    /// Seconds an issued access token works, on the simulator's clock.
    public var tokenLifetime: TimeInterval

    public init(clientID: String, clientSecret: String, refreshToken: String, tokenLifetime: TimeInterval = 3600) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
        self.tokenLifetime = tokenLifetime
    }
}
