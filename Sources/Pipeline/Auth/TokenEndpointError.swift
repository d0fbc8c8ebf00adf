import Foundation

/// Why a token endpoint gave no access token. Never carries a secret: only the status, the OAuth
/// `error` code and the endpoint.
public enum TokenEndpointError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The endpoint refused the credentials (400/401/403: `invalid_grant`, `invalid_client`, …):
    /// a revoked refresh token, a wrong secret, an unknown certificate. Retrying cannot help.
    case rejected(endpoint: String, status: Int, error: String)
    /// The endpoint could not be reached or answered 5xx/429 or garbage: retrying may help.
    case unavailable(endpoint: String, reason: String)

    public var description: String {
        switch self {
        case .rejected(let endpoint, let status, let error):
            "the token endpoint \(endpoint) rejected the credentials (HTTP \(status) \(error))"
        case .unavailable(let endpoint, let reason): "the token endpoint \(endpoint) is unavailable: \(reason)"
        }
    }

    /// Whether the credentials themselves were refused.
    public var isRejection: Bool {
        if case .rejected = self { return true }
        return false
    }

    /// The `error` member of an OAuth error body, or `-`.
    static func code(_ data: Data) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let code = object["error"] as? String
        else { return "-" }
        return String(code.prefix(80))
    }
}
