import NIOCore

/// Splits a byte stream into Kafka frames: a big-endian `int32` length followed by that many bytes.
///
/// Each emitted `ByteBuffer` is the whole frame **including** its 4-byte length prefix, so frames can
/// be forwarded byte for byte. A negative length, a length above `maximumFrameLength` or one shorter
/// than `minimumFrameLength` raises a ``KafkaCompatProxyError`` (the connection is then closed).
public struct KafkaFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    /// Largest accepted frame body (bytes after the length prefix).
    public let maximumFrameLength: Int
    /// Smallest accepted frame body: 8 for requests (api key, version, correlation id), 4 for responses.
    public let minimumFrameLength: Int

    /// - Parameters:
    ///   - minimumFrameLength: smallest accepted body length.
    ///   - maximumFrameLength: largest accepted body length.
    public init(minimumFrameLength: Int, maximumFrameLength: Int) {
        self.minimumFrameLength = minimumFrameLength
        self.maximumFrameLength = maximumFrameLength
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else {
            return .needMoreData
        }
        guard length >= 0, Int(length) <= maximumFrameLength else {
            throw KafkaCompatProxyError.frameLengthOutOfBounds(length: length, maximum: maximumFrameLength)
        }
        guard Int(length) >= minimumFrameLength else {
            throw KafkaCompatProxyError.frameTooShort(length: length, minimum: minimumFrameLength)
        }
        guard let frame = buffer.readSlice(length: 4 + Int(length)) else {
            return .needMoreData
        }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A partial frame left at EOF cannot be completed: drop it.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
