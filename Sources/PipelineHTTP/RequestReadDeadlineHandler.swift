import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request is not read completely within `timeout` of its head.
///
/// Hummingbird's idle timeout (`HTTP1Channel.Configuration.idleTimeout`) closes connections that
/// send nothing or only a trickle of header bytes (no request head is ever decoded), but every body
/// chunk counts as activity there: a client trickling a body a byte at a time would hold the
/// connection, and make the server buffer up to the body limit before the HMAC check, for as long
/// as it likes. This handler bounds that: head → end must take at most `timeout`.
final class RequestReadDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            deadline = context.eventLoop.scheduleTask(in: timeout) {
                loopBound.value.close(promise: nil)
            }
        case .body:
            break
        case .end:
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }
}
