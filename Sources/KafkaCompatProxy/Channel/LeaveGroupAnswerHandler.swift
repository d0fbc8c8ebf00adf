import Logging
import NIOCore

/// Sits in the client channel's pipeline before the relay: answers LeaveGroup requests itself
/// (``LeaveGroupAnswer``) instead of forwarding them to the broker; every other frame passes.
final class LeaveGroupAnswerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard let header = KafkaRequestHeader(frame: frame),
            let answer = LeaveGroupAnswer.response(to: header, allocator: context.channel.allocator)
        else {
            context.fireChannelRead(data)
            return
        }
        logger.debug(
            "answered LeaveGroup (not forwarded: the broker drops the member by session timeout)",
            metadata: ["version": "\(header.apiVersion)", "correlation-id": "\(header.correlationID)"])
        context.writeAndFlush(wrapOutboundOut(answer), promise: nil)
    }
}
