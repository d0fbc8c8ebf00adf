import DriftlessTesting
import Foundation
import NIOCore
import NIOPosix
import Pipeline
import Simulators
import Synchronization
import XCTest

/// Issue 9, item 4: slow or idle clients cannot hold the webhook server's connections; a cap
/// bounds how many are open at once.
final class HTTPLimitsTests: XCTestCase {
    func testTricklingConnectionsAreClosedWhileHealthAndWebhooksAreAnswered() async throws {
        let fixture = try await ListenerFixture.start {
            $0.idleTimeout = .seconds(1)
            $0.requestReadTimeout = .milliseconds(1500)
        }
        let port = fixture.port
        // 1500 trickle header bytes (never a complete head), 1000 send a head and trickle the body.
        let headTricklers = try await Trickler.open(
            count: 1500, port: port, preamble: "POST /webhooks/shopify HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        let bodyTricklers = try await Trickler.open(
            count: 1000, port: port,
            preamble: "POST /webhooks/shopify HTTP/1.1\r\nHost: x\r\nContent-Length: 400000\r\n\r\n")
        let all = headTricklers + bodyTricklers

        // While they are connected and trickling: health and a real signed webhook are answered.
        let health = try await getText("\(fixture.baseURL)/healthz")
        XCTAssertEqual(health.status, 200)
        let delivery = await StorefrontStore(seed: 4).createOrder(paid: true).webhooks[0]
        let status = await WebhookDeliverer(targetURL: fixture.webhookURL, secret: ListenerFixture.secret).attemptOnce(
            delivery)
        XCTAssertEqual(status, 200)
        let stillOpen = all.filter { $0.channel.isActive }.count
        XCTAssertGreaterThan(stillOpen, 0, "the tricklers were still connected when the requests were answered")

        // Every trickler is closed by the server (it keeps writing; nothing it sends is enough).
        let closed = await waitUntil(timeout: .seconds(30)) { all.allSatisfy { !$0.channel.isActive } }
        XCTAssertTrue(closed, "\(all.filter { $0.channel.isActive }.count) trickling connections still open")
        XCTAssertTrue(all.allSatisfy { $0.closedByPeer }, "closed by the server, not by the test")
        let after = try await getText("\(fixture.baseURL)/healthz")
        XCTAssertEqual(after.status, 200)
        for trickler in all { trickler.stop() }
        try await fixture.stop()
    }

    func testConnectionsAboveTheCapWaitUntilOneCloses() async throws {
        let fixture = try await ListenerFixture.start {
            $0.maxConnections = 10
            $0.idleTimeout = .seconds(120)
        }
        let port = fixture.port
        // Ten keep-alive connections, each answered once: the server has accepted all ten (no
        // moment's grace needed) and they stay open.
        let holders = try await Trickler.open(
            count: 10, port: port, preamble: "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", trickle: false)
        let accepted = await waitUntil(timeout: .seconds(30)) { holders.allSatisfy(\.answered) }
        XCTAssertTrue(accepted, "\(holders.filter(\.answered).count) of 10 holders answered")
        let served = Mutex(false)
        let request = Task {
            let answer = try await getText("http://127.0.0.1:\(port)/healthz")
            served.withLock { $0 = true }
            return answer
        }
        // A negative claim needs a window to be observed in (not synchronisation): two seconds.
        try await Task.sleep(for: .seconds(2))
        XCTAssertFalse(served.withLock { $0 }, "an eleventh connection is not served while ten are open")
        for holder in holders { holder.stop() }
        let answered = try await request.value
        XCTAssertEqual(answered.status, 200, "served once a slot is free (within the client's 10 s)")
        try await fixture.stop()
    }
}

/// A raw TCP client that writes `preamble`, then one byte every 200 ms until the server closes it.
final class Trickler: Sendable {
    let channel: any Channel
    private let state = Mutex((stopped: false, closedByPeer: false))
    private let seen: AnswerSeen

    var closedByPeer: Bool { state.withLock { $0.closedByPeer } }
    /// Whether the server sent anything back (an answer to the preamble).
    var answered: Bool { seen.flag.withLock { $0 } }

    private init(channel: any Channel, seen: AnswerSeen) {
        self.channel = channel
        self.seen = seen
    }

    static func open(count: Int, port: Int, preamble: String, trickle: Bool = true) async throws -> [Trickler] {
        var tricklers: [Trickler] = []
        for _ in 0..<count {
            let seen = AnswerSeen()
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(seen) }
                }
                .connect(host: "127.0.0.1", port: port).get()
            let trickler = Trickler(channel: channel, seen: seen)
            channel.closeFuture.whenComplete { _ in
                trickler.state.withLock { state in if !state.stopped { state.closedByPeer = true } }
            }
            if !preamble.isEmpty { channel.writeAndFlush(ByteBuffer(string: preamble), promise: nil) }
            if trickle {
                let task = channel.eventLoop.scheduleRepeatedTask(
                    initialDelay: .milliseconds(200), delay: .milliseconds(200)
                ) { task in
                    guard channel.isActive else { return task.cancel() }
                    channel.writeAndFlush(ByteBuffer(string: "x"), promise: nil)
                }
                channel.closeFuture.whenComplete { _ in task.cancel() }
            }
            tricklers.append(trickler)
        }
        return tricklers
    }

    func stop() {
        state.withLock { $0.stopped = true }
        channel.close(promise: nil)
    }
}

/// Notes that the peer sent bytes.
private final class AnswerSeen: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let flag = Mutex(false)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        flag.withLock { $0 = true }
        context.fireChannelRead(data)
    }
}
