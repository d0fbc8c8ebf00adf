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

    private static func call(
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

    private func errorCode(_ answer: Answer) -> String? {
        ((answer.json["o:errorDetails"] as? [[String: Any]])?.first?["o:errorCode"]) as? String
    }

    func testUpsertsTransformsReadsAndTheDuplicateEffectCount() async throws {
        let erp = try await ERPSimulator.start(token: Self.token)
        // Upsert by external id: created once, updated in place, same internal id.
        let created = try await Self.call(
            erp, .PUT, "/salesOrder/eid:shopify-1001", body: ["status": ["id": "A"], "memo": "new"])
        XCTAssertEqual(created.status, 204)
        let location = try XCTUnwrap(created.headers.first(name: "Location"))
        let id = String(try XCTUnwrap(location.split(separator: "/").last))
        let updated = try await Self.call(erp, .PUT, "/salesOrder/eid:shopify-1001", body: ["status": ["id": "B"]])
        XCTAssertEqual(updated.headers.first(name: "Location"), location)
        let read = try await Self.call(erp, .GET, "/salesOrder/\(id)")
        XCTAssertEqual((read.json["status"] as? [String: Any])?["refName"] as? String, "Pending Fulfillment")
        XCTAssertEqual(read.json["externalId"] as? String, "shopify-1001")
        let byExternal = try await Self.call(erp, .GET, "/salesOrder/eid:shopify-1001")
        XCTAssertEqual(byExternal.json["id"] as? String, id)
        let missing = try await Self.call(erp, .GET, "/salesOrder/999999")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(errorCode(missing), "NONEXISTENT_ID")

        // A fulfilment transformed from the order, then the same effect upserted by its effect id
        // twice: one record, no duplicate. The same POST twice without an external id: a duplicate.
        let fulfilment = try await Self.call(
            erp, .POST, "/salesOrder/\(id)/!transform/itemFulfillment",
            body: ["externalId": "eff-1001-v3-fulfil", "shipStatus": "C", "trackingNumbers": ["1Z999"]])
        XCTAssertEqual(fulfilment.status, 204)
        let again = try await Self.call(
            erp, .PUT, "/itemFulfillment/eid:eff-1001-v3-fulfil",
            body: ["createdFrom": ["id": id], "shipStatus": "C", "trackingNumbers": ["1Z999"]])
        XCTAssertEqual(again.headers.first(name: "Location"), fulfilment.headers.first(name: "Location"))
        let duplicateID = try await Self.call(
            erp, .POST, "/itemFulfillment", body: ["externalId": "eff-1001-v3-fulfil", "createdFrom": id])
        XCTAssertEqual(duplicateID.status, 400)
        XCTAssertEqual(errorCode(duplicateID), "DUP_RCRD")
        var duplicates = await erp.store.duplicateEffects
        XCTAssertEqual(duplicates, 0)
        for _ in 0..<2 {
            let deposit = try await Self.call(
                erp, .POST, "/customerDeposit",
                body: ["createdFrom": id, "paymentTransactionId": "ch_3Nx", "amount": "42.00"])
            XCTAssertEqual(deposit.status, 204)
        }
        duplicates = await erp.store.duplicateEffects
        XCTAssertEqual(duplicates, 1, "the second identical deposit is a duplicate effect")

        // Reads: related records of the order, and a window by last modification, paged.
        let related = try await Self.call(erp, .GET, "/customerDeposit?q=createdFrom%20EQUAL%20\(id)")
        XCTAssertEqual(related.json["totalResults"] as? Int, 2)
        // Body fields sit at the top level of each record (NetSuite has no `fields` wrapper).
        XCTAssertEqual(
            (related.json["items"] as? [[String: Any]])?.first?["paymentTransactionId"] as? String, "ch_3Nx")
        for index in 0..<5 {
            _ = try await Self.call(erp, .PUT, "/salesOrder/eid:bulk-\(index)", body: ["status": "B"])
        }
        let since = "2000-01-01T00:00:00Z"
        let page = try await Self.call(
            erp, .GET, "/salesOrder?q=lastModifiedDate%20ON_OR_AFTER%20%22\(since)%22&limit=4&offset=0")
        XCTAssertEqual(page.json["totalResults"] as? Int, 6)
        XCTAssertEqual(page.json["hasMore"] as? Bool, true)
        let next = try await Self.call(
            erp, .GET, "/salesOrder?q=lastModifiedDate%20ON_OR_AFTER%20%22\(since)%22&limit=4&offset=4")
        XCTAssertEqual(next.json["count"] as? Int, 2)
        XCTAssertEqual(next.json["hasMore"] as? Bool, false)
        await erp.stop()
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
        let throttled = try await Self.call(erp, .PUT, "/salesOrder/eid:o-1", body: ["status": "B"])
        XCTAssertEqual(throttled.status, 429)
        XCTAssertEqual(throttled.headers.first(name: "Retry-After"), "7")
        erp.faults.update { $0.throttledRatio = 0 }

        erp.faults.update { $0.outageUntil = Date().addingTimeInterval(1.5) }
        let down = try await Self.call(erp, .PUT, "/salesOrder/eid:o-1", body: ["status": "B"])
        XCTAssertEqual(down.status, 503)
        let back = await eventually(timeout: .seconds(30)) {
            (try? await Self.call(erp, .PUT, "/salesOrder/eid:o-1", body: ["status": "B"]))?.status == 204
        }
        XCTAssertTrue(back, "the outage window is over")

        erp.faults.update { $0.invalidOrders = ["o-bad"] }
        let invalid = try await Self.call(erp, .PUT, "/salesOrder/eid:o-bad", body: ["status": "B"])
        XCTAssertEqual(invalid.status, 422)
        let valid = try await Self.call(erp, .PUT, "/salesOrder/eid:o-good", body: ["status": "B"])
        XCTAssertEqual(valid.status, 204)

        // Ten requests at once against a limit of three, each taking 300 ms: the rest get 429.
        erp.faults.update {
            $0.concurrencyLimit = 3
            $0.latency = .milliseconds(300)
        }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<10 {
                group.addTask {
                    try await Self.call(erp, .PUT, "/salesOrder/eid:c-\(index)", body: ["status": "B"]).status
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
