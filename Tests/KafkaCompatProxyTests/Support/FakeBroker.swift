import Foundation
import KafkaCompatProxy
import NIOCore
import NIOPosix

/// A stand-in upstream broker on 127.0.0.1: it splits requests into frames, records them byte for
/// byte, and writes whatever raw bytes `respond` returns for each (nothing, one or several frames,
/// or deliberate garbage).
final class FakeBroker: Sendable {
    typealias Respond = @Sendable (_ header: KafkaRequestHeader, _ request: [UInt8]) -> [UInt8]

    let port: Int
    let received: FrameLog
    private let channel: any Channel

    private init(port: Int, received: FrameLog, channel: any Channel) {
        self.port = port
        self.received = received
        self.channel = channel
    }

    static func start(respond: @escaping Respond) async throws -> FakeBroker {
        let log = FrameLog()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(KafkaFrameDecoder(minimumFrameLength: 8, maximumFrameLength: 64 << 20)),
                        FakeBrokerHandler(log: log, respond: respond)
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else { throw KafkaCompatProxyError.noBoundPort }
        return FakeBroker(port: port, received: log, channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }
}

/// Frames seen by a ``FakeBroker``, in arrival order across all connections.
final class FrameLog: @unchecked Sendable {
    private let lock = NSLock()
    private var frames: [[UInt8]] = []

    func append(_ frame: [UInt8]) {
        lock.withLock { frames.append(frame) }
    }

    var all: [[UInt8]] {
        lock.withLock { frames }
    }
}

private final class FakeBrokerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let log: FrameLog
    private let respond: FakeBroker.Respond

    init(log: FrameLog, respond: @escaping FakeBroker.Respond) {
        self.log = log
        self.respond = respond
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        let bytes = Array(frame.readableBytesView)
        log.append(bytes)
        guard let header = KafkaRequestHeader(frame: frame) else { return }
        let reply = respond(header, bytes)
        if !reply.isEmpty {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: reply)), promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
