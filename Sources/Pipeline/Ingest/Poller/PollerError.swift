import Foundation

/// Errors of the marketplace poller.
public enum PollerError: Error, Equatable, CustomStringConvertible {
    case http(status: Int, body: String)
    case malformedPage(String)

    public var description: String {
        switch self {
        case .http(let status, let body): "getOrders answered \(status): \(body)"
        case .malformedPage(let why): "malformed getOrders page: \(why)"
        }
    }
}
