import KafkaCompatProxy
import NIOCore
import NIOPosix

/// What a ``TestClient`` saw next.
enum ClientEvent: Equatable, Sendable {
    case frame([UInt8])
    case closed
    case timedOut
}

/// A raw Kafka-protocol client for the proxy tests: sends bytes, receives whole frames.
/// Used from one task at a time.
final class TestClient {
    let channel: any Channel
    private var iterator: AsyncStream<ClientEvent>.AsyncIterator
    private let continuation: AsyncStream<ClientEvent>.Continuation

    private init(
        channel: any Channel, stream: AsyncStream<ClientEvent>, continuation: AsyncStream<ClientEvent>.Continuation
    ) {
        self.channel = channel
        self.iterator = stream.makeAsyncIterator()
        self.continuation = continuation
    }

    static func connect(port: Int) async throws -> TestClient {
        let (stream, continuation) = AsyncStream<ClientEvent>.makeStream()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(KafkaFrameDecoder(minimumFrameLength: 0, maximumFrameLength: 64 << 20)),
                        EventForwarder(continuation: continuation)
                    )
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return TestClient(channel: channel, stream: stream, continuation: continuation)
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// The next frame, close or time-out.
    func next(timeout: TimeAmount = .seconds(10)) async -> ClientEvent {
        let continuation = self.continuation
        let timer = channel.eventLoop.scheduleTask(in: timeout) { continuation.yield(.timedOut) }
        defer { timer.cancel() }
        return await iterator.next() ?? .closed
    }

    /// The next `count` frames; stops early (returning fewer) on close or time-out.
    func frames(_ count: Int, timeout: TimeAmount = .seconds(10)) async -> [[UInt8]] {
        var frames: [[UInt8]] = []
        while frames.count < count, case .frame(let bytes) = await next(timeout: timeout) {
            frames.append(bytes)
        }
        return frames
    }

    func close() async {
        try? await channel.close()
    }
}

private final class EventForwarder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let continuation: AsyncStream<ClientEvent>.Continuation

    init(continuation: AsyncStream<ClientEvent>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(.frame(Array(unwrapInboundIn(data).readableBytesView)))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.yield(.closed)
        continuation.finish()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
