import Foundation

/// Errors of the marketplace poller.
public enum PollerError: Error, Equatable, CustomStringConvertible {
    case http(status: Int, body: String)
    case malformedPage(String)
    /// SP-API refused the request (401/403) with no LWA credentials configured, or twice in a
    /// row, once after a fresh token.
    case unauthorized(status: Int, body: String)
    /// The LWA token endpoint refused the credentials (a revoked refresh token, a wrong secret).
    case credentialsRejected(String)

    public var description: String {
        switch self {
        case .http(let status, let body): "getOrders answered \(status): \(body)"
        case .malformedPage(let why): "malformed getOrders page: \(why)"
        case .unauthorized(let status, let body):
            "getOrders refused the request (HTTP \(status)): \(body)"
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
