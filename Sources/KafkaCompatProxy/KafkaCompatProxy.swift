import Logging
import NIOCore
import NIOPosix

/// A loopback TCP proxy that lets librdkafka < 2.2 talk to brokers whose ApiVersions v3+ responses
/// carry tagged fields (Tansu): every Kafka frame is forwarded untouched except those responses,
/// which are rewritten without tagged fields (see `ApiVersionsRewriter`).
///
/// Each client connection gets its own upstream connection on the same event loop. The broker's
/// advertised listener must be the proxy's address so that clients keep coming back through it.
///
/// With `answersLeaveGroup` (the default) it also answers consumers' LeaveGroup requests itself
/// (``LeaveGroupAnswer``: Tansu 0.6.0 can lose a consumer group's leader on a LeaveGroup during a
/// rebalance and then never complete one).
public actor KafkaCompatProxy {
    /// Default largest frame body accepted in either direction (librdkafka's default
    /// `receive.message.max.bytes` is 100 MB; anything beyond 128 MiB is treated as garbage).
    public static let defaultMaximumFrameLength = 128 * 1024 * 1024

    public nonisolated let listenHost: String
    public nonisolated let listenPort: Int
    public nonisolated let upstreamHost: String
    public nonisolated let upstreamPort: Int
    public nonisolated let maximumFrameLength: Int
    /// Whether LeaveGroup requests are answered by the proxy instead of forwarded.
    public nonisolated let answersLeaveGroup: Bool

    private let group: any EventLoopGroup
    private let logger: Logger
    private let connections = ChildChannelRegistry()
    private var serverChannel: (any Channel)?

    /// - Parameters:
    ///   - listenHost: address to listen on (use a loopback address).
    ///   - listenPort: port to listen on; 0 picks a free one (returned by ``start()``).
    ///   - upstreamHost: the broker's host.
    ///   - upstreamPort: the broker's port.
    ///   - maximumFrameLength: largest frame body accepted; a longer one closes that connection.
    ///   - answersLeaveGroup: answer LeaveGroup v0–v2 in the proxy (``LeaveGroupAnswer``) rather than
    ///     forward it; the broker then drops a leaving member by session timeout.
    ///   - eventLoopGroup: loops to run on; defaults to NIO's shared singleton group.
    ///   - logger: where connection errors and rewrites are logged.
    public init(
        listenHost: String = "127.0.0.1",
        listenPort: Int,
        upstreamHost: String,
        upstreamPort: Int,
        maximumFrameLength: Int = KafkaCompatProxy.defaultMaximumFrameLength,
        answersLeaveGroup: Bool = true,
        eventLoopGroup: (any EventLoopGroup)? = nil,
        logger: Logger = Logger(label: "driftless.kafka-compat-proxy")
    ) {
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.upstreamHost = upstreamHost
        self.upstreamPort = upstreamPort
        self.maximumFrameLength = maximumFrameLength
        self.answersLeaveGroup = answersLeaveGroup
        self.group = eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
        self.logger = logger
    }

    /// Number of client connections currently open.
    public var openConnections: Int { connections.count }

    /// Binds the listening socket and starts accepting connections.
    /// - Returns: the port actually bound (useful with `listenPort: 0`).
    @discardableResult
    public func start() async throws -> Int {
        guard serverChannel == nil else { throw KafkaCompatProxyError.alreadyStarted }
        let upstream = UpstreamConnector(
            host: upstreamHost,
            port: upstreamPort,
            maximumFrameLength: maximumFrameLength,
            logger: logger
        )
        let maximum = maximumFrameLength
        let answersLeaveGroup = self.answersLeaveGroup
        let registry = connections
        let logger = self.logger
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(
                .recvAllocator,
                value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 64 * 1024, maximum: 1024 * 1024)
            )
            .childChannelInitializer { client in
                registry.add(client)
                return client.eventLoop.makeCompletedFuture {
                    try client.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(KafkaFrameDecoder(minimumFrameLength: 8, maximumFrameLength: maximum))
                    )
                    if answersLeaveGroup {
                        try client.pipeline.syncOperations.addHandler(LeaveGroupAnswerHandler(logger: logger))
                    }
                }.flatMap {
                    upstream.connect(on: client.eventLoop)
                }.flatMapThrowing { upstreamChannel in
                    let (clientGlue, upstreamGlue) = GlueHandler.matchedPair()
                    do {
                        try client.pipeline.syncOperations.addHandler(clientGlue)
                        try upstreamChannel.pipeline.syncOperations.addHandler(upstreamGlue)
                    } catch {
                        // Without the glue nothing would ever close the upstream side.
                        upstreamChannel.close(promise: nil)
                        throw error
                    }
                }.flatMapErrorThrowing { error in
                    logger.warning("upstream connection failed", metadata: ["error": "\(error)"])
                    throw error
                }
            }
            .bind(host: listenHost, port: listenPort)
            .get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw KafkaCompatProxyError.noBoundPort
        }
        serverChannel = channel
        logger.debug(
            "proxy listening",
            metadata: ["listen": "\(listenHost):\(port)", "upstream": "\(upstreamHost):\(upstreamPort)"])
        return port
    }

    /// Stops accepting connections and closes every open one. Calling it again does nothing.
    public func stop() async {
        guard let channel = serverChannel else { return }
        serverChannel = nil
        try? await channel.close()
        await connections.closeAll()
    }
}

/// Opens the upstream side of one proxied connection.
struct UpstreamConnector: Sendable {
    let host: String
    let port: Int
    let maximumFrameLength: Int
    let logger: Logger

    func connect(on eventLoop: any EventLoop) -> EventLoopFuture<any Channel> {
        let maximum = maximumFrameLength
        let logger = self.logger
        return ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(
                .recvAllocator,
                value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 64 * 1024, maximum: 1024 * 1024)
            )
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(KafkaFrameDecoder(minimumFrameLength: 4, maximumFrameLength: maximum)),
                        ApiVersionsCompatHandler(logger: logger)
                    )
                }
            }
            .connect(host: host, port: port)
    }
}
