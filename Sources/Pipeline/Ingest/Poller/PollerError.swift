import Foundation

/// Errors of the marketplace poller.
public enum PollerError: Error, Equatable, CustomStringConvertible {
    case http(status: Int, body: String)
    case malformedPage(String)
    /// SP-API refused the access token twice in a row (401/403), once after a fresh one.
    case unauthorized(status: Int, body: String)
    /// The LWA token endpoint refused the credentials (a revoked refresh token, a wrong secret).
    case credentialsRejected(String)

    public var description: String {
        switch self {
        case .http(let status, let body): "getOrders answered \(status): \(body)"
        case .malformedPage(let why): "malformed getOrders page: \(why)"
        case .unauthorized(let status, let body):
            "getOrders refused the LWA access token (HTTP \(status)) even after a refresh: \(body)"
        case .credentialsRejected(let why): "LWA credentials refused: \(why)"
        }
    }

    /// Whether retrying cannot help until the credentials are replaced.
    public var isCredentialFailure: Bool {
        switch self {
        case .unauthorized, .credentialsRejected: true
        case .http, .malformedPage: false
        }
    }
}
