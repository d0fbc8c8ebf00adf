/// Why reading a system for reconciliation failed (a run that hits one ends as failed; its checkpoint
/// stays where it was, so the next run covers the window again).
public enum ReconcileReadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// 401/403: the credentials were refused.
    case unauthorized(system: String, status: Int)
    /// Another HTTP status that is not success.
    case http(system: String, status: Int)
    /// HTTP 200 carrying an `errors` body (Shopify GraphQL), with the first message.
    case graphQL(message: String)
    /// An answer that cannot be read.
    case malformed(system: String, detail: String)
    /// The request did not complete (timeout, refused connection, …).
    case transport(system: String, detail: String)
    /// Throttled more often in a row than the reader accepts.
    case throttledTooLong(system: String)

    public var description: String {
        switch self {
        case .unauthorized(let system, let status): "\(system): credentials refused (HTTP \(status))"
        case .http(let system, let status): "\(system): HTTP \(status)"
        case .graphQL(let message): "storefront: GraphQL error: \(message)"
        case .malformed(let system, let detail): "\(system): unreadable answer: \(detail)"
        case .transport(let system, let detail): "\(system): \(detail)"
        case .throttledTooLong(let system): "\(system): still throttled after repeated waits"
        }
    }
}
