import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import XCTest

@testable import PipelineHTTP

/// The bound on how long a request may take to arrive (head → end), on an embedded channel whose
/// clock the test advances: no wall clock, no sleeps.
final class RequestReadDeadlineHandlerTests: XCTestCase {
    private static let head = HTTPRequestPart.head(
        HTTPRequest(method: .post, scheme: nil, authority: "127.0.0.1", path: "/webhooks/shopify"))

    private func connected(timeout: TimeAmount = .seconds(2)) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(RequestReadDeadlineHandler(timeout: timeout))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).wait()
        XCTAssertTrue(channel.isActive)
        return channel
    }

    func testARequestWhoseEndDoesNotArriveIsClosedExactlyAtTheTimeout() throws {
        let channel = try connected()
        try channel.writeInbound(Self.head)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1_999))
        XCTAssertTrue(channel.isActive, "open until the timeout has passed")
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        XCTAssertFalse(channel.isActive, "closed once head → end took the whole timeout")
    }

    func testATrickledBodyDoesNotExtendTheDeadline() throws {
        let channel = try connected()
        try channel.writeInbound(Self.head)
        for _ in 0..<19 {
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(100))
            try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "x")))
        }
        XCTAssertTrue(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(100))
        XCTAssertFalse(channel.isActive, "body bytes are activity, not progress: the deadline runs from the head")
    }

    func testACompleteRequestCancelsItAndTheNextHeadStartsAFreshOne() throws {
        let channel = try connected()
        try channel.writeInbound(Self.head)
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "{}")))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        channel.embeddedEventLoop.advanceTime(by: .seconds(3_600))
        XCTAssertTrue(
            channel.isActive, "a request that arrived whole leaves the connection alone (idle is Hummingbird's)")

        // The next request on the kept-alive connection gets its own two seconds from its head.
        try channel.writeInbound(Self.head)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1_999))
        XCTAssertTrue(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        XCTAssertFalse(channel.isActive)
    }

    func testPartsPassThroughUnchangedAndInOrder() throws {
        let channel = try connected()
        let parts: [HTTPRequestPart] = [Self.head, .body(ByteBuffer(string: "abc")), .end(nil)]
        for part in parts { try channel.writeInbound(part) }
        var seen: [HTTPRequestPart] = []
        while let part = try channel.readInbound(as: HTTPRequestPart.self) { seen.append(part) }
        XCTAssertEqual(seen, parts)
        XCTAssertTrue(try channel.finish().isClean)
    }
}
