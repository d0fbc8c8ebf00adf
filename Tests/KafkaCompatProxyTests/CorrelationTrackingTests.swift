import KafkaCompatProxy
import XCTest

/// The proxy recognises ApiVersions v3+ responses by the correlation id of their request.
final class CorrelationTrackingTests: XCTestCase {
    func testPipelinedInterleavedRequests() async throws {
        let fixture = try await ProxyFixture.start(respond: CannedReplies.standard)
        let client = try await fixture.connect()
        // One write carrying five requests; the api-key-0 v0 request gets no response (like
        // Produce with acks=0), so a naive "n-th response = n-th request" proxy would misalign.
        let requests: [[UInt8]] = [
            KafkaFrames.apiVersionsRequest(version: 3, correlationID: 1),
            KafkaFrames.otherRequest(apiKey: 0, version: 0, correlationID: 2, payload: [9, 9]),
            KafkaFrames.otherRequest(apiKey: 3, version: 12, correlationID: 3, payload: [1, 2, 3]),
            KafkaFrames.apiVersionsRequest(version: 2, correlationID: 4),
            KafkaFrames.apiVersionsRequest(version: 3, correlationID: 5),
        ]
        try await client.send(requests.flatMap { $0 })
        let frames = await client.frames(4)
        XCTAssertEqual(
            frames,
            [
                KafkaFrames.expectedRewrittenV3Response(correlationID: 1),
                KafkaFrames.response(correlationID: 3, payload: Array(requests[2].dropFirst(12))),
                KafkaFrames.apiVersionsV2Response(correlationID: 4),
                KafkaFrames.expectedRewrittenV3Response(correlationID: 5),
            ])
        XCTAssertEqual(fixture.broker.received.all, requests)
        await client.close()
        await fixture.stop()
    }

    func testResponsesAreMatchedByCorrelationIDNotByOrder() async throws {
        // The broker answers the fourth request with all four responses in reverse order.
        let fixture = try await ProxyFixture.start { header, _ in
            guard header.correlationID == 40 else { return [] }
            return KafkaFrames.response(correlationID: 40, payload: [4])
                + KafkaFrames.tansuApiVersionsV3Response(correlationID: 30)
                + KafkaFrames.tansuApiVersionsV3Response(correlationID: 20)
                + KafkaFrames.tansuApiVersionsV3Response(correlationID: 10)
        }
        let client = try await fixture.connect()
        try await client.send(KafkaFrames.apiVersionsRequest(version: 3, correlationID: 10))
        try await client.send(KafkaFrames.otherRequest(apiKey: 3, version: 12, correlationID: 20, payload: []))
        try await client.send(KafkaFrames.apiVersionsRequest(version: 4, correlationID: 30))
        try await client.send(KafkaFrames.otherRequest(apiKey: 1, version: 12, correlationID: 40, payload: []))
        let frames = await client.frames(4)
        XCTAssertEqual(
            frames,
            [
                KafkaFrames.response(correlationID: 40, payload: [4]),
                KafkaFrames.expectedRewrittenV3Response(correlationID: 30),
                KafkaFrames.tansuApiVersionsV3Response(correlationID: 20),
                KafkaFrames.expectedRewrittenV3Response(correlationID: 10),
            ])
        await client.close()
        await fixture.stop()
    }

    func testEachResponseIsRewrittenOnlyOnce() async throws {
        // A second response reusing an already answered correlation id is not an ApiVersions reply.
        let fixture = try await ProxyFixture.start { header, _ in
            KafkaFrames.tansuApiVersionsV3Response(correlationID: header.correlationID)
                + KafkaFrames.tansuApiVersionsV3Response(correlationID: header.correlationID)
        }
        let client = try await fixture.connect()
        try await client.send(KafkaFrames.apiVersionsRequest(version: 3, correlationID: 8))
        let frames = await client.frames(2)
        XCTAssertEqual(
            frames,
            [
                KafkaFrames.expectedRewrittenV3Response(correlationID: 8),
                KafkaFrames.tansuApiVersionsV3Response(correlationID: 8),
            ])
        await client.close()
        await fixture.stop()
    }

    func testTrackerStateMachine() {
        var tracker = CorrelationTracker(limit: 2)
        XCTAssertEqual(tracker.requestSent(KafkaRequestHeader(apiKey: 3, apiVersion: 12, correlationID: 1)), .forward)
        XCTAssertEqual(tracker.requestSent(KafkaRequestHeader(apiKey: 18, apiVersion: 2, correlationID: 2)), .forward)
        XCTAssertEqual(tracker.outstanding, 0)
        XCTAssertEqual(tracker.requestSent(KafkaRequestHeader(apiKey: 18, apiVersion: 3, correlationID: 3)), .forward)
        XCTAssertEqual(tracker.requestSent(KafkaRequestHeader(apiKey: 18, apiVersion: 4, correlationID: 4)), .forward)
        XCTAssertEqual(
            tracker.requestSent(KafkaRequestHeader(apiKey: 18, apiVersion: 3, correlationID: 5)),
            .close(.tooManyOutstandingApiVersionsRequests(limit: 2))
        )
        XCTAssertEqual(tracker.responseReceived(correlationID: 1), .forward)
        XCTAssertEqual(tracker.responseReceived(correlationID: 4), .rewriteApiVersions(version: 4))
        XCTAssertEqual(tracker.responseReceived(correlationID: 4), .forward)
        XCTAssertEqual(tracker.responseReceived(correlationID: 3), .rewriteApiVersions(version: 3))
        XCTAssertEqual(tracker.outstanding, 0)
    }
}
