import Foundation

/// The one SP-API application and seller authorization the marketplace simulator's LWA token
/// endpoint knows, and how long the access tokens it issues live (SP-API: 3600 s; tests: seconds).
public struct LWASimulatorCredentials: Sendable {
    public var clientID: String
    public var clientSecret: String
    public var refreshToken: String
    public var tokenLifetime: TimeInterval

    public init(clientID: String, clientSecret: String, refreshToken: String, tokenLifetime: TimeInterval = 3600) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
        self.tokenLifetime = tokenLifetime
    }
}
