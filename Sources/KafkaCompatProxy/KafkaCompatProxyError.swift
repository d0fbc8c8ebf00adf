/// Errors raised by ``KafkaCompatProxy`` and its frame decoding.
public enum KafkaCompatProxyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A frame announced a length that is negative or larger than the configured maximum.
    case frameLengthOutOfBounds(length: Int32, maximum: Int)
    /// A frame is too short to hold the header the protocol requires.
    case frameTooShort(length: Int32, minimum: Int)
    /// A client kept more ApiVersions requests outstanding than the proxy is willing to track.
    case tooManyOutstandingApiVersionsRequests(limit: Int)
    /// `start()` was called on a proxy that is already running.
    case alreadyStarted
    /// The listening socket has no port (should not happen for TCP).
    case noBoundPort

    public var description: String {
        switch self {
        case .frameLengthOutOfBounds(let length, let maximum):
            return "Kafka frame length \(length) is outside 0...\(maximum)"
        case .frameTooShort(let length, let minimum):
            return "Kafka frame of \(length) bytes is shorter than the \(minimum)-byte header"
        case .tooManyOutstandingApiVersionsRequests(let limit):
            return "more than \(limit) ApiVersions requests outstanding on one connection"
        case .alreadyStarted:
            return "the proxy is already started"
        case .noBoundPort:
            return "the listening socket has no port"
        }
    }
}
