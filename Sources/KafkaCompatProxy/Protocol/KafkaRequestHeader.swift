import NIOCore

/// The fixed start of every Kafka request header (all header versions): api key, api version,
/// correlation id. The client id and tagged fields that may follow are not needed by the proxy.
public struct KafkaRequestHeader: Equatable, Sendable {
    /// Kafka's api key of ApiVersions.
    public static let apiVersionsKey: Int16 = 18

    public var apiKey: Int16
    public var apiVersion: Int16
    public var correlationID: Int32

    public init(apiKey: Int16, apiVersion: Int16, correlationID: Int32) {
        self.apiKey = apiKey
        self.apiVersion = apiVersion
        self.correlationID = correlationID
    }

    /// Reads the header of a request frame (which starts with its 4-byte length prefix).
    /// Returns `nil` when the frame is too short.
    public init?(frame: ByteBuffer) {
        let start = frame.readerIndex + 4
        guard let apiKey = frame.getInteger(at: start, as: Int16.self),
            let apiVersion = frame.getInteger(at: start + 2, as: Int16.self),
            let correlationID = frame.getInteger(at: start + 4, as: Int32.self)
        else { return nil }
        self.init(apiKey: apiKey, apiVersion: apiVersion, correlationID: correlationID)
    }

    /// Reads the correlation id of a response frame (the first field after the length prefix).
    public static func responseCorrelationID(frame: ByteBuffer) -> Int32? {
        frame.getInteger(at: frame.readerIndex + 4, as: Int32.self)
    }
}
