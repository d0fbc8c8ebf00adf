import KafkaCompatProxy
import NIOCore
import XCTest

/// LeaveGroup v0–v2 is answered by the proxy (Tansu 0.6.0 loses a group's leader on a LeaveGroup
/// during a rebalance): the exact response bytes, never forwarded, other requests around it
/// untouched; v3+ and a proxy told to forward pass it on.
final class LeaveGroupAnswerTests: XCTestCase {
    func testLeaveGroupV0ToV2IsAnsweredByTheProxyAndNeverReachesTheBroker() async throws {
        let fixture = try await ProxyFixture.start(respond: CannedReplies.standard)
        let client = try await fixture.connect()
        let before = KafkaFrames.otherRequest(apiKey: 12, version: 4, correlationID: 1, payload: [9, 9])
        try await client.send(before)
        let first = await client.frames(1)
        XCTAssertEqual(first, [KafkaFrames.response(correlationID: 1, payload: Array(before.dropFirst(12)))])
        // Kafka protocol, LeaveGroup response: v0 error_code; v1–v2 throttle_time_ms, error_code.
        for (version, payload) in [(Int16(0), [UInt8]([0, 0])), (1, [0, 0, 0, 0, 0, 0]), (2, [0, 0, 0, 0, 0, 0])] {
            let correlationID = Int32(10 + version)
            try await client.send(
                KafkaFrames.otherRequest(apiKey: 13, version: version, correlationID: correlationID, payload: [1, 2]))
            let answer = await client.frames(1)
            XCTAssertEqual(
                answer, [KafkaFrames.response(correlationID: correlationID, payload: payload)], "LeaveGroup v\(version)"
            )
        }
        let after = KafkaFrames.otherRequest(apiKey: 12, version: 4, correlationID: 20, payload: [7])
        try await client.send(after)
        let last = await client.frames(1)
        XCTAssertEqual(last, [KafkaFrames.response(correlationID: 20, payload: Array(after.dropFirst(12)))])
        XCTAssertEqual(fixture.broker.received.all, [before, after], "no LeaveGroup reached the broker")
        await client.close()
        await fixture.stop()
    }

    func testLeaveGroupV3AndAProxyToldToForwardPassItOn() async throws {
        for (answers, version) in [(true, Int16(3)), (false, Int16(1))] {
            let fixture = try await ProxyFixture.start(answersLeaveGroup: answers, respond: CannedReplies.standard)
            let client = try await fixture.connect()
            let request = KafkaFrames.otherRequest(apiKey: 13, version: version, correlationID: 5, payload: [4, 2])
            try await client.send(request)
            let answer = await client.frames(1)
            XCTAssertEqual(answer, [KafkaFrames.response(correlationID: 5, payload: Array(request.dropFirst(12)))])
            XCTAssertEqual(fixture.broker.received.all, [request], "forwarded (answers \(answers), v\(version))")
            await client.close()
            await fixture.stop()
        }
    }

    func testTheAnswerIsBuiltOnlyForLeaveGroupUpToV2() {
        let allocator = ByteBufferAllocator()
        let v1 = LeaveGroupAnswer.response(
            to: KafkaRequestHeader(apiKey: 13, apiVersion: 1, correlationID: 0x0102_0304), allocator: allocator)
        XCTAssertEqual(v1.map { Array($0.readableBytesView) }, [0, 0, 0, 10, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0])
        XCTAssertNil(
            LeaveGroupAnswer.response(
                to: KafkaRequestHeader(apiKey: 13, apiVersion: 4, correlationID: 1), allocator: allocator))
        XCTAssertNil(
            LeaveGroupAnswer.response(
                to: KafkaRequestHeader(apiKey: 11, apiVersion: 1, correlationID: 1), allocator: allocator))
    }
}
