/// Per-connection memory of which in-flight requests were ApiVersions v3+, so their responses can
/// be recognised by correlation id. A state machine: feed it events, act on what it returns.
///
/// Only ApiVersions v3+ requests are remembered (Produce with acks=0 gets no response, so a queue
/// of all requests could never be drained reliably). Each entry is removed when its response arrives.
public struct CorrelationTracker: Sendable {
    /// What to do with a request before forwarding it.
    public enum RequestAction: Equatable, Sendable {
        case forward
        /// Too many ApiVersions requests without a response: close the connection.
        case close(KafkaCompatProxyError)
    }

    /// What to do with a response before forwarding it.
    public enum ResponseAction: Equatable, Sendable {
        case forward
        /// This is the response to an ApiVersions request of `version` (>= 3): rewrite it.
        case rewriteApiVersions(version: Int16)
    }

    /// First ApiVersions version whose response has tagged fields.
    public static let firstFlexibleApiVersionsVersion: Int16 = 3

    /// Most ApiVersions requests remembered at once per connection.
    public let limit: Int
    private var pending: [Int32: Int16] = [:]

    public init(limit: Int = 1024) {
        self.limit = limit
    }

    /// Number of ApiVersions v3+ requests waiting for their response.
    public var outstanding: Int { pending.count }

    /// A request is about to be sent upstream.
    public mutating func requestSent(_ header: KafkaRequestHeader) -> RequestAction {
        guard header.apiKey == KafkaRequestHeader.apiVersionsKey,
            header.apiVersion >= Self.firstFlexibleApiVersionsVersion
        else { return .forward }
        guard pending.count < limit || pending[header.correlationID] != nil else {
            return .close(.tooManyOutstandingApiVersionsRequests(limit: limit))
        }
        pending[header.correlationID] = header.apiVersion
        return .forward
    }

    /// A response with `correlationID` arrived from upstream.
    public mutating func responseReceived(correlationID: Int32) -> ResponseAction {
        guard let version = pending.removeValue(forKey: correlationID) else { return .forward }
        return .rewriteApiVersions(version: version)
    }
}
