import KafkaCompatProxy
import XCTest

/// Frames that are not ApiVersions v3+ responses must cross the proxy byte for byte.
final class PassThroughTests: XCTestCase {
    func testNonApiVersionsFramesPassThroughByteExact() async throws {
        let fixture = try await ProxyFixture.start(respond: CannedReplies.standard)
        let client = try await fixture.connect()
        var sent: [[UInt8]] = []
        for (index, (apiKey, version)) in [(Int16(3), Int16(12)), (1, 12), (0, 9), (8, 8), (19, 7)].enumerated() {
            // Every byte value, in an order fixed by the index (reproducible, unlike a random payload).
            let payload = (0..<(50 + index * 333)).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ index &* 31) }
            let request = KafkaFrames.otherRequest(
                apiKey: apiKey, version: version, correlationID: Int32(100 + index), payload: payload)
            sent.append(request)
            try await client.send(request)
            let frames = await client.frames(1)
            XCTAssertEqual(frames.count, 1)
            XCTAssertEqual(
                frames.first,
                KafkaFrames.response(correlationID: Int32(100 + index), payload: Array(request.dropFirst(12))))
        }
        XCTAssertEqual(fixture.broker.received.all, sent, "requests must reach the broker unchanged")
        await client.close()
        await fixture.stop()
    }

    func testApiVersionsShapedResponseToAnotherRequestIsNotRewritten() async throws {
        // The broker answers a Metadata request with bytes that look exactly like an ApiVersions
        // v3 response: the proxy must go by the request's correlation id, not by the shape.
        let fixture = try await ProxyFixture.start { header, _ in
            KafkaFrames.tansuApiVersionsV3Response(correlationID: header.correlationID)
        }
        let client = try await fixture.connect()
        try await client.send(KafkaFrames.otherRequest(apiKey: 3, version: 12, correlationID: 9, payload: [1, 2, 3]))
        let frames = await client.frames(1)
        XCTAssertEqual(frames, [KafkaFrames.tansuApiVersionsV3Response(correlationID: 9)])
        await client.close()
        await fixture.stop()
    }

    func testFrameSplitAcrossWritesIsReassembled() async throws {
        let fixture = try await ProxyFixture.start(respond: CannedReplies.standard)
        let client = try await fixture.connect()
        let request = KafkaFrames.otherRequest(
            apiKey: 3, version: 12, correlationID: 5, payload: Array(repeating: 0xAB, count: 100))
        for chunk in stride(from: 0, to: request.count, by: 7) {
            try await client.send(Array(request[chunk..<min(chunk + 7, request.count)]))
        }
        let frames = await client.frames(1)
        XCTAssertEqual(frames, [KafkaFrames.response(correlationID: 5, payload: Array(request.dropFirst(12)))])
        XCTAssertEqual(fixture.broker.received.all, [request])
        await client.close()
        await fixture.stop()
    }

    func testLargeFramesPassThrough() async throws {
        let fixture = try await ProxyFixture.start(respond: CannedReplies.standard)
        let client = try await fixture.connect()
        let payload = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let request = KafkaFrames.otherRequest(apiKey: 0, version: 9, correlationID: 77, payload: payload)
        try await client.send(request)
        let frames = await client.frames(1)
        XCTAssertEqual(frames.first?.count, 4 + 4 + payload.count + 2)
        XCTAssertEqual(frames.first, KafkaFrames.response(correlationID: 77, payload: Array(request.dropFirst(12))))
        await client.close()
        await fixture.stop()
    }
}
