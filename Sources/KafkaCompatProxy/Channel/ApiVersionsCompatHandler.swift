import Logging
import NIOCore

/// Sits in the upstream channel's pipeline: watches requests going to the broker (remembering
/// ApiVersions v3+ correlation ids) and rewrites the matching responses coming back.
final class ApiVersionsCompatHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var tracker: CorrelationTracker
    private let logger: Logger

    init(logger: Logger, outstandingLimit: Int = 1024) {
        self.tracker = CorrelationTracker(limit: outstandingLimit)
        self.logger = logger
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        if let header = KafkaRequestHeader(frame: frame) {
            switch tracker.requestSent(header) {
            case .forward:
                break
            case .close(let error):
                logger.warning("closing connection", metadata: ["reason": "\(error)"])
                promise?.fail(error)
                context.fireErrorCaught(error)
                return
            }
        }
        context.write(data, promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard let correlationID = KafkaRequestHeader.responseCorrelationID(frame: frame) else {
            context.fireChannelRead(data)
            return
        }
        switch tracker.responseReceived(correlationID: correlationID) {
        case .forward:
            context.fireChannelRead(data)
        case .rewriteApiVersions(let version):
            switch ApiVersionsRewriter.rewrite(frame: frame) {
            case .rewritten(let rewritten, let dropped):
                logger.debug(
                    "rewrote ApiVersions response",
                    metadata: [
                        "version": "\(version)", "correlation-id": "\(correlationID)", "dropped-tags": "\(dropped)",
                    ]
                )
                context.fireChannelRead(wrapInboundOut(rewritten))
            case .alreadyCompatible:
                context.fireChannelRead(data)
            case .unchanged(let reason):
                logger.notice(
                    "ApiVersions response forwarded unchanged",
                    metadata: ["version": "\(version)", "correlation-id": "\(correlationID)", "reason": "\(reason)"]
                )
                context.fireChannelRead(data)
            }
        }
    }
}
