import Foundation
import Simulators
import XCTest

@testable import Pipeline

/// The ERP client against the NetSuite-style simulator: outcomes sorted into the taxonomy dispatch
/// routes, bounded concurrency, and configuration errors.
final class ERPClientTests: XCTestCase {
    func testAnswersAreSortedIntoTheTaxonomy() {
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        XCTAssertEqual(ERPOutcome.classify(status: 204, location: "/x/1"), .done(status: 204, location: "/x/1"))
        XCTAssertEqual(ERPOutcome.classify(status: 409, detail: "d"), .conflict(status: 409, code: nil, detail: "d"))
        XCTAssertEqual(
            ERPOutcome.classify(status: 400, code: "DUP_RCRD"), .conflict(status: 400, code: "DUP_RCRD", detail: ""))
        XCTAssertEqual(
            ERPOutcome.classify(status: 400, code: "INVALID_FLD_VALUE"),
            .permanent(status: 400, code: "INVALID_FLD_VALUE", detail: ""))
        XCTAssertEqual(ERPOutcome.classify(status: 422), .permanent(status: 422, code: nil, detail: ""))
        XCTAssertEqual(ERPOutcome.classify(status: 404), .permanent(status: 404, code: nil, detail: ""))
        XCTAssertEqual(ERPOutcome.classify(status: 401), .unauthorized(status: 401, detail: ""))
        XCTAssertEqual(ERPOutcome.classify(status: 403), .unauthorized(status: 403, detail: ""))
        XCTAssertEqual(
            ERPOutcome.classify(status: 429, retryAfter: "7"),
            .transient(status: 429, retryAfter: .seconds(7), detail: ""))
        XCTAssertEqual(
            ERPOutcome.classify(status: 503, retryAfter: "Wed, 18 Nov 2026 11:06:50 GMT", now: now),
            .transient(status: 503, retryAfter: .seconds(10), detail: ""))
        XCTAssertEqual(ERPOutcome.classify(status: 500), .transient(status: 500, retryAfter: nil, detail: ""))
        for hostile in ["inf", "nan", "abc", ""] {
            XCTAssertEqual(
                ERPOutcome.classify(status: 429, retryAfter: hostile),
                .transient(status: 429, retryAfter: nil, detail: ""))
        }
        XCTAssertEqual(
            ERPOutcome.classify(status: 429, retryAfter: "1e300"),
            .transient(status: 429, retryAfter: .seconds(3600), detail: ""))
        XCTAssertEqual(
            ERPOutcome.classify(status: 429, retryAfter: "-5"), .transient(status: 429, retryAfter: .zero, detail: ""))
    }

    func testConfigurationErrorsNameTheSetting() {
        XCTAssertThrowsError(try ERPClient(configuration: .init(baseURL: "http://127.0.0.1:1", token: Secret(" \n")))) {
            error in
            XCTAssertEqual(error as? PipelineConfigurationError, .emptySecret(setting: "erp.token"))
        }
        XCTAssertThrowsError(try ERPClient(configuration: .init(baseURL: "ftp://erp", token: Secret("t")))) { error in
            XCTAssertEqual(
                error as? PipelineConfigurationError, .invalidValue(field: "erp.baseURL", value: "ftp://erp"))
        }
    }

    func testOutcomesAgainstTheSimulator() async throws {
        let testERP = try await TestERP.start()
        let erp = testERP.simulator
        let client = try ERPClient(configuration: testERP.configuration(requestTimeout: .milliseconds(500)))
        func body(_ object: [String: Any]) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

        guard
            case .done(204, let location?) = await client.upsert(
                "salesOrder", externalId: "shopify-7", body: try body(["orderStatus": ["id": "B"]]))
        else { return XCTFail("upsert not done") }
        let id = String(location.split(separator: "/").last ?? "")
        let (readOutcome, record) = await client.read("salesOrder", id: "eid:shopify-7")
        XCTAssertEqual(readOutcome, .done(status: 200, location: nil))
        let json = try XCTUnwrap(record.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] })
        XCTAssertEqual(json["id"] as? String, id)
        let fulfilment = await client.transform(
            salesOrder: id, to: "itemFulfillment", body: try body(["externalId": "eff-7-fulfil"]))
        guard case .done = fulfilment else { return XCTFail("\(fulfilment)") }
        let again = await client.transform(
            salesOrder: id, to: "itemFulfillment", body: try body(["externalId": "eff-7-fulfil"]))
        guard case .conflict(400, "DUP_RCRD", _) = again else { return XCTFail("\(again)") }
        let refused = await client.create("itemFulfillment", body: try body(["externalId": "eff-7-other"]))
        guard case .permanent(400, "INVALID_CONTENT", _) = refused else { return XCTFail("\(refused)") }
        let closed = await client.action("salesOrder", id: id, "close")
        XCTAssertEqual(closed, .done(status: 204, location: "/services/rest/record/v1/salesOrder/\(id)"))
        let patched = await client.update("salesOrder", id: id, body: try body(["memo": "closed"]))
        XCTAssertEqual(patched, .done(status: 204, location: "/services/rest/record/v1/salesOrder/\(id)"))

        erp.faults.update { $0.invalidOrders = ["shopify-bad"] }
        guard
            case .permanent(422, "USER_ERROR", _) = await client.upsert(
                "salesOrder", externalId: "shopify-bad", body: try body([:]))
        else { return XCTFail("422 not permanent") }
        erp.faults.update {
            $0.throttledRatio = 1
            $0.retryAfterSeconds = 7
        }
        let throttled = await client.upsert("salesOrder", externalId: "shopify-8", body: try body([:]))
        guard case .transient(429, .seconds(7)?, _) = throttled else { return XCTFail("\(throttled)") }
        erp.faults.update {
            $0.throttledRatio = 0
            $0.rejectCredentials = true
        }
        guard
            case .unauthorized(401, _) = await client.upsert("salesOrder", externalId: "shopify-8", body: try body([:]))
        else { return XCTFail("401 not unauthorized") }
        erp.faults.update {
            $0.rejectCredentials = false
            $0.stallRatio = 1
            $0.stall = .seconds(3)
        }
        let stalled = await client.upsert("salesOrder", externalId: "shopify-8", body: try body([:]))
        guard case .transient(nil, nil, _) = stalled else { return XCTFail("a timeout is transient: \(stalled)") }
        erp.faults.update { $0.stallRatio = 0 }
        let writes = await erp.store.appliedWrites
        XCTAssertEqual(
            writes, 4, "the upsert, the fulfilment, the close and the patch; nothing refused was applied")
        await erp.stop()
    }

    /// The client keeps to its concurrency bound: against an ERP that refuses more than two
    /// requests at once, twelve parallel upserts through a client bounded to two all land.
    /// A reset connection (TCP RST before anything is applied) and a lost answer (applied, then
    /// answered after the client's timeout) are both transient; only the lost answer's write landed.
    func testResetConnectionsAndLostAnswersAreTransient() async throws {
        let testERP = try await TestERP.start()
        let erp = testERP.simulator
        let client = try ERPClient(configuration: testERP.configuration(requestTimeout: .milliseconds(300)))
        let body = try JSONSerialization.data(withJSONObject: ["memo": "x"])
        // The OAuth 2.0 token first (a reset would refuse the token request too).
        guard case .permanent(404, _, _) = await client.read("salesOrder", id: "eid:none").outcome else {
            return XCTFail("no token")
        }
        erp.faults.update { $0.resetRatio = 1 }
        let reset = await client.upsert("salesOrder", externalId: "so-reset", body: body)
        guard case .transient(nil, nil, _) = reset else { return XCTFail("\(reset)") }
        let afterReset = await erp.store.appliedWrites
        XCTAssertEqual(afterReset, 0, "nothing applied before a reset")
        erp.faults.update {
            $0.resetRatio = 0
            $0.lostAnswerRatio = 1
            $0.stall = .seconds(1)
        }
        let lost = await client.upsert("salesOrder", externalId: "so-lost", body: body)
        guard case .transient(nil, nil, _) = lost else { return XCTFail("\(lost)") }
        let afterLost = await erp.store.appliedWrites
        XCTAssertEqual(afterLost, 1, "the lost answer's write landed")
        erp.faults.update { $0.lostAnswerRatio = 0 }
        let again = await client.upsert("salesOrder", externalId: "so-lost", body: body)
        guard case .done = again else { return XCTFail("\(again)") }
        let afterRetry = await erp.store.appliedWrites
        XCTAssertEqual(afterRetry, 1, "retrying the upsert changes nothing")
        await erp.stop()
    }

    func testConcurrencyStaysWithinTheBound() async throws {
        let testERP = try await TestERP.start()
        let erp = testERP.simulator
        erp.faults.update {
            $0.concurrencyLimit = 2
            $0.latency = .milliseconds(100)
        }
        let client = try ERPClient(configuration: testERP.configuration(maxConcurrentRequests: 2))
        let outcomes = await withTaskGroup(of: ERPOutcome.self) { group in
            for index in 0..<12 {
                group.addTask {
                    await client.upsert(
                        "salesOrder", externalId: "c-\(index)", body: Data(#"{"orderStatus":"B"}"#.utf8))
                }
            }
            return await group.reduce(into: [ERPOutcome]()) { $0.append($1) }
        }
        XCTAssertEqual(outcomes.filter { if case .done = $0 { true } else { false } }.count, 12)
        XCTAssertNil(erp.statusCounts[429], "never over the ERP's limit")
        XCTAssertLessThanOrEqual(erp.faults.concurrencyHighWaterMark, 2)
        await erp.stop()
    }
}
