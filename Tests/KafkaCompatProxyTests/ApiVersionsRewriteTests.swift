import KafkaCompatProxy
import NIOCore
import XCTest

/// ApiVersions v3+ responses lose their tagged fields; everything else about them is kept.
final class ApiVersionsRewriteTests: XCTestCase {
    func testV3ResponseIsRewrittenToExactBytes() async throws {
        let fixture = try await ProxyFixture.start(respond: CannedReplies.standard)
        let client = try await fixture.connect()
        try await client.send(KafkaFrames.apiVersionsRequest(version: 3, correlationID: 1))
        let frames = await client.frames(1)
        XCTAssertEqual(frames, [KafkaFrames.expectedRewrittenV3Response(correlationID: 1)])
        XCTAssertEqual(fixture.broker.received.all, [KafkaFrames.apiVersionsRequest(version: 3, correlationID: 1)])
        await client.close()
        await fixture.stop()
    }

    func testV4RequestIsRewrittenToo() async throws {
        let fixture = try await ProxyFixture.start(respond: CannedReplies.standard)
        let client = try await fixture.connect()
        try await client.send(KafkaFrames.apiVersionsRequest(version: 4, correlationID: 2))
        let frames = await client.frames(1)
        XCTAssertEqual(frames, [KafkaFrames.expectedRewrittenV3Response(correlationID: 2)])
        await client.close()
        await fixture.stop()
    }

    func testV0ToV2ResponsesAreUntouched() async throws {
        // Even a v3-shaped answer to an old request is forwarded as is.
        let fixture = try await ProxyFixture.start { header, _ in
            header.correlationID == 10
                ? KafkaFrames.tansuApiVersionsV3Response(correlationID: 10)
                : KafkaFrames.apiVersionsV2Response(correlationID: header.correlationID)
        }
        let client = try await fixture.connect()
        for version in Int16(0)...2 {
            try await client.send(KafkaFrames.apiVersionsRequest(version: version, correlationID: Int32(version)))
            let frames = await client.frames(1)
            XCTAssertEqual(frames, [KafkaFrames.apiVersionsV2Response(correlationID: Int32(version))], "v\(version)")
        }
        try await client.send(KafkaFrames.apiVersionsRequest(version: 2, correlationID: 10))
        let frames = await client.frames(1)
        XCTAssertEqual(frames, [KafkaFrames.tansuApiVersionsV3Response(correlationID: 10)])
        await client.close()
        await fixture.stop()
    }

    func testMalformedResponsesPassThroughUntouched() async throws {
        let good = KafkaFrames.tansuApiVersionsV3Response(correlationID: 1)
        var truncatedBody = Array(good.dropLast(5))
        truncatedBody.replaceSubrange(0..<4, with: KafkaFrames.int32(Int32(truncatedBody.count - 4)))
        let trailing = KafkaFrames.frame(Array(good.dropFirst(4)) + [0x00, 0x00])
        // UNSUPPORTED_VERSION (35) with a v0-shaped body, as brokers answer too-new versions.
        let unsupported = KafkaFrames.frame(
            KafkaFrames.int32(1) + KafkaFrames.int16(35) + KafkaFrames.int32(1) + [0, 18, 0, 0, 0, 2])
        let hugeCount = KafkaFrames.frame(
            KafkaFrames.int32(1) + KafkaFrames.int16(0) + [0xFF, 0xFF, 0xFF, 0xFF, 0x0F] + KafkaFrames.int32(0) + [0])
        for malformed in [truncatedBody, trailing, unsupported, hugeCount] {
            let fixture = try await ProxyFixture.start { _, _ in malformed }
            let client = try await fixture.connect()
            try await client.send(KafkaFrames.apiVersionsRequest(version: 3, correlationID: 1))
            let frames = await client.frames(1)
            XCTAssertEqual(frames, [malformed])
            await client.close()
            await fixture.stop()
        }
    }

    func testRewriterHandlesMultiByteVarintsAndPerEntryTags() {
        // 130 entries (count+1 = 131 needs a two-byte varint), one entry with a tagged field whose
        // size needs a two-byte varint too.
        var body = KafkaFrames.int32(3) + KafkaFrames.int16(0) + [0x83, 0x01]
        var expected = KafkaFrames.int32(3) + KafkaFrames.int16(0) + [0x83, 0x01]
        for key in Int16(0)..<130 {
            body += KafkaFrames.int16(key) + KafkaFrames.int16(0) + KafkaFrames.int16(key % 7)
            expected += KafkaFrames.int16(key) + KafkaFrames.int16(0) + KafkaFrames.int16(key % 7) + [0x00]
            body += key == 5 ? [0x01, 0x09, 0x90, 0x01] + Array(repeating: 0xEE, count: 144) : [0x00]
        }
        body += KafkaFrames.int32(250) + [0x00]
        expected += KafkaFrames.int32(250) + [0x00]
        let outcome = ApiVersionsRewriter.rewrite(frame: ByteBuffer(bytes: KafkaFrames.frame(body)))
        XCTAssertEqual(outcome, .rewritten(ByteBuffer(bytes: KafkaFrames.frame(expected)), droppedTaggedFields: 1))
    }

    func testRewriterLeavesResponsesWithoutTagsAlone() {
        let frame = ByteBuffer(bytes: KafkaFrames.expectedRewrittenV3Response(correlationID: 4))
        XCTAssertEqual(ApiVersionsRewriter.rewrite(frame: frame), .alreadyCompatible)
    }
}
