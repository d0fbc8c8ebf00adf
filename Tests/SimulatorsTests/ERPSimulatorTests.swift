import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Simulators
import XCTest

/// The NetSuite-style ERP simulator over real HTTP: upserts by external id, transforms, reads,
/// the duplicate-effect count, and the faults dispatch must survive.
final class ERPSimulatorTests: XCTestCase {
    static let token = "erp-test-token"

    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var json: [String: Any]
    }

    static func call(
        _ erp: ERPSimulator, _ method: HTTPMethod, _ path: String, body: [String: Any]? = nil,
        token: String? = ERPSimulatorTests.token
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: erp.recordURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:]
        return Answer(status: Int(response.status.code), headers: response.headers, json: json)
    }

    func errorCode(_ answer: Answer) -> String? {
        ((answer.json["o:errorDetails"] as? [[String: Any]])?.first?["o:errorCode"]) as? String
    }

    func testCredentialsThrottlingOutagesInvalidOrdersAndTheConcurrencyLimit() async throws {
        let erp = try await ERPSimulator.start(token: Self.token)
        let noToken = try await Self.call(erp, .GET, "/salesOrder", token: nil)
        XCTAssertEqual(noToken.status, 401)
        XCTAssertEqual(errorCode(noToken), "INVALID_LOGIN")
        let wrong = try await Self.call(erp, .GET, "/salesOrder", token: "stolen")
        XCTAssertEqual(wrong.status, 401)

        erp.faults.update { $0.rejectCredentials = true }
        let revoked = try await Self.call(erp, .GET, "/salesOrder")
        XCTAssertEqual(revoked.status, 401, "credentials revoked")
        erp.faults.update { $0.rejectCredentials = false }

        erp.faults.update {
            $0.throttledRatio = 1
            $0.retryAfterSeconds = 7
        }
        let throttled = try await Self.call(erp, .PUT, "/salesOrder/eid:o-1", body: ["orderStatus": "B"])
        XCTAssertEqual(throttled.status, 429)
        XCTAssertEqual(throttled.headers.first(name: "Retry-After"), "7")
        // NetSuite's documentation promises no Retry-After: the simulator can leave it out.
        erp.faults.update { $0.retryAfterSeconds = nil }
        let bare = try await Self.call(erp, .PUT, "/salesOrder/eid:o-1", body: ["orderStatus": "B"])
        XCTAssertEqual(bare.status, 429)
        XCTAssertNil(bare.headers.first(name: "Retry-After"))
        erp.faults.update { $0.throttledRatio = 0 }

        erp.faults.update { $0.outageUntil = Date().addingTimeInterval(1.5) }
        let down = try await Self.call(erp, .PUT, "/salesOrder/eid:o-1", body: ["orderStatus": "B"])
        XCTAssertEqual(down.status, 503)
        let back = await eventually(timeout: .seconds(30)) {
            (try? await Self.call(erp, .PUT, "/salesOrder/eid:o-1", body: ["orderStatus": "B"]))?.status == 204
        }
        XCTAssertTrue(back, "the outage window is over")

        erp.faults.update { $0.invalidOrders = ["o-bad"] }
        let invalid = try await Self.call(erp, .PUT, "/salesOrder/eid:o-bad", body: ["orderStatus": "B"])
        XCTAssertEqual(invalid.status, 422)
        let valid = try await Self.call(erp, .PUT, "/salesOrder/eid:o-good", body: ["orderStatus": "B"])
        XCTAssertEqual(valid.status, 204)

        // Ten requests at once against a limit of three, each taking 300 ms: the rest get 429.
        erp.faults.update {
            $0.concurrencyLimit = 3
            $0.latency = .milliseconds(300)
        }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<10 {
                group.addTask {
                    try await Self.call(erp, .PUT, "/salesOrder/eid:c-\(index)", body: ["orderStatus": "B"]).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        XCTAssertEqual(statuses.filter { $0 == 204 }.count + statuses.filter { $0 == 429 }.count, 10)
        XCTAssertGreaterThan(statuses.filter { $0 == 429 }.count, 0)
        XCTAssertLessThanOrEqual(erp.faults.concurrencyHighWaterMark, 3)
        XCTAssertGreaterThan(erp.statusCounts[429] ?? 0, 1)
        let writes = await erp.store.appliedWrites
        XCTAssertEqual(writes, 2 + statuses.filter { $0 == 204 }.count, "refused requests changed nothing")
        await erp.stop()
    }
}
