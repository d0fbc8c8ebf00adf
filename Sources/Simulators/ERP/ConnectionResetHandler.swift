import NIOCore
import NIOHTTPTypes
import NIOPosix

/// Resets the connection (TCP RST, `SO_LINGER` 0) on a fraction of requests, as soon as their head
/// arrives and before anything is applied: the client sees a connection reset and no answer.
final class ConnectionResetHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let faults: ERPFaults
    private var resetting = false

    init(faults: ERPFaults) {
        self.faults = faults
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data), faults.drawReset() {
            resetting = true
        }
        guard !resetting else {
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            if let provider = context.channel as? any SocketOptionProvider {
                provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in
                    loopBound.value.close(promise: nil)
                }
            } else {
                context.close(promise: nil)
            }
            return
        }
        context.fireChannelRead(data)
    }
}
