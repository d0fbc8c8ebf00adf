import CRdKafka

/// Errors raised by the Kafka layer. Every case names what failed so an operator can act on it.
public enum KafkaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A librdkafka property was rejected (unknown name or invalid value).
    case configuration(property: String, message: String)
    /// librdkafka refused to create a client handle.
    case clientCreation(message: String)
    /// A record could not be enqueued for sending (not retriable locally, e.g. unknown partition).
    case produce(topic: String, code: Int32, message: String)
    /// The broker did not acknowledge a record (e.g. message timed out, record too large).
    case delivery(topic: String, code: Int32, message: String)
    /// A broker round trip did not finish in time (e.g. broker unreachable).
    case timedOut(operation: String, message: String)
    /// An admin request (create topics, metadata, offsets) failed.
    case admin(operation: String, code: Int32, message: String)
    /// Committing consumer offsets failed.
    case commit(code: Int32, message: String)
    /// The client was closed before the operation could complete.
    case closed
    /// The client hit a fatal error (e.g. the idempotent producer lost its guarantees): it will
    /// not send again and must be replaced — for a stage, the process ends so another replica
    /// takes over.
    case fatal(message: String)

    public var description: String {
        switch self {
        case let .configuration(property, message):
            return "invalid Kafka configuration property '\(property)': \(message)"
        case let .clientCreation(message):
            return "cannot create Kafka client: \(message)"
        case let .produce(topic, code, message):
            return "cannot enqueue record for topic '\(topic)': \(message) (code \(code))"
        case let .delivery(topic, code, message):
            return "delivery to topic '\(topic)' failed: \(message) (code \(code))"
        case let .timedOut(operation, message):
            return "\(operation) timed out: \(message)"
        case let .admin(operation, code, message):
            return "\(operation) failed: \(message) (code \(code))"
        case let .commit(code, message):
            return "offset commit failed: \(message) (code \(code))"
        case .closed:
            return "the Kafka client is closed"
        case let .fatal(message):
            return "fatal Kafka client error: \(message)"
        }
    }
}

extension KafkaError {
    /// Whether this is a ``fatal(message:)`` error (nothing will be sent by this client again).
    public var isFatal: Bool {
        if case .fatal = self { return true }
        return false
    }

    /// librdkafka's text for an error code.
    static func text(_ code: rd_kafka_resp_err_t) -> String {
        String(cString: rd_kafka_err2str(code))
    }
}
