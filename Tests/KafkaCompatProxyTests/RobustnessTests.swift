import KafkaCompatProxy
import XCTest

/// Many connections at once, garbage on either side, a missing upstream, and stop().
final class RobustnessTests: XCTestCase {
    func testFiftyConcurrentConnections() async throws {
        let fixture = try await ProxyFixture.start(respond: CannedReplies.standard)
        let failures = try await withThrowingTaskGroup(of: [String].self) { group in
            for connection in 0..<50 {
                group.addTask {
                    var failures: [String] = []
                    let client = try await fixture.connect()
                    for round in 0..<5 {
                        let id = Int32(connection * 100 + round * 2)
                        let payload = (0..<(connection * 17 + round)).map {
                            UInt8(truncatingIfNeeded: $0 &* 131 &+ connection &* 31 &+ round)
                        }
                        let other = KafkaFrames.otherRequest(
                            apiKey: 1, version: 12, correlationID: id + 1, payload: payload)
                        try await client.send(KafkaFrames.apiVersionsRequest(version: 3, correlationID: id) + other)
                        let frames = await client.frames(2)
                        let expected = [
                            KafkaFrames.expectedRewrittenV3Response(correlationID: id),
                            KafkaFrames.response(correlationID: id + 1, payload: Array(other.dropFirst(12))),
                        ]
                        if frames != expected { failures.append("connection \(connection) round \(round)") }
                    }
                    await client.close()
                    return failures
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        XCTAssertEqual(failures, [])
        XCTAssertEqual(fixture.broker.received.all.count, 50 * 5 * 2)
        await fixture.stop()
    }

    func testOversizedOrNegativeFrameClosesOnlyThatConnection() async throws {
        let fixture = try await ProxyFixture.start(maximumFrameLength: 1 << 20, respond: CannedReplies.standard)
        let healthy = try await fixture.connect()
        for garbage: [UInt8] in [
            [0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3], [0xFF, 0xFF, 0xFF, 0xF0], [0x00, 0x20, 0x00, 0x01],
            [0, 0, 0, 3, 1, 2, 3],
        ] {
            let bad = try await fixture.connect()
            try await bad.send(garbage)
            let event = await bad.next()
            XCTAssertEqual(event, .closed, "garbage \(garbage) must close its connection")
            // The healthy connection still works.
            try await healthy.send(KafkaFrames.apiVersionsRequest(version: 3, correlationID: 1))
            let frames = await healthy.frames(1)
            XCTAssertEqual(frames, [KafkaFrames.expectedRewrittenV3Response(correlationID: 1)])
        }
        await healthy.close()
        await fixture.stop()
    }

    func testGarbageFromUpstreamClosesThatConnection() async throws {
        let fixture = try await ProxyFixture.start { header, _ in
            header.correlationID == 666
                ? [0xFF, 0xFF, 0xFF, 0xFF, 0x00]  // negative length
                : KafkaFrames.tansuApiVersionsV3Response(correlationID: header.correlationID)
        }
        let bad = try await fixture.connect()
        let healthy = try await fixture.connect()
        try await bad.send(KafkaFrames.otherRequest(apiKey: 3, version: 12, correlationID: 666, payload: []))
        let event = await bad.next()
        XCTAssertEqual(event, .closed)
        try await healthy.send(KafkaFrames.apiVersionsRequest(version: 3, correlationID: 2))
        let frames = await healthy.frames(1)
        XCTAssertEqual(frames, [KafkaFrames.expectedRewrittenV3Response(correlationID: 2)])
        await healthy.close()
        await fixture.stop()
    }

    func testUnreachableUpstreamClosesClient() async throws {
        // Bind a fake broker to learn a free port, then stop it so nothing listens there.
        let gone = try await FakeBroker.start(respond: CannedReplies.standard)
        await gone.stop()
        let proxy = KafkaCompatProxy(listenPort: 0, upstreamHost: "127.0.0.1", upstreamPort: gone.port)
        let port = try await proxy.start()
        let client = try await TestClient.connect(port: port)
        try? await client.send(KafkaFrames.apiVersionsRequest(version: 3, correlationID: 1))
        let event = await client.next()
        XCTAssertEqual(event, .closed)
        await proxy.stop()
    }

    func testStopClosesOpenConnectionsAndIsIdempotent() async throws {
        let fixture = try await ProxyFixture.start(respond: CannedReplies.standard)
        let client = try await fixture.connect()
        try await client.send(KafkaFrames.apiVersionsRequest(version: 3, correlationID: 1))
        _ = await client.frames(1)
        let open = await fixture.proxy.openConnections
        XCTAssertEqual(open, 1)
        await fixture.proxy.stop()
        let event = await client.next()
        XCTAssertEqual(event, .closed)
        await fixture.proxy.stop()
        do {
            _ = try await TestClient.connect(port: fixture.port)
            XCTFail("the proxy must not accept connections after stop()")
        } catch {}
        await fixture.broker.stop()
    }

    func testStartTwiceFails() async throws {
        let fixture = try await ProxyFixture.start(respond: CannedReplies.standard)
        do {
            try await fixture.proxy.start()
            XCTFail("a second start() must fail")
        } catch let error as KafkaCompatProxyError {
            XCTAssertEqual(error, .alreadyStarted)
        }
        await fixture.stop()
    }
}
