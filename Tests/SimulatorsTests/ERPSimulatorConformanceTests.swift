import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Simulators
import XCTest

/// The ERP simulator against Oracle's SuiteTalk REST documentation, one test per row of the
/// conformance table in docs/ARCHITECTURE.md ("ERP simulator conformance"), over real HTTP.
final class ERPSimulatorConformanceTests: XCTestCase {
    typealias Answer = ERPSimulatorTests.Answer
    private var erp: ERPSimulator!

    override func setUp() async throws {
        erp = try await ERPSimulator.start(token: ERPSimulatorTests.token)
    }

    override func tearDown() async throws {
        await erp.stop()
    }

    private func call(_ method: HTTPMethod, _ path: String, body: [String: Any]? = nil) async throws -> Answer {
        try await ERPSimulatorTests.call(erp, method, path, body: body)
    }

    private func code(_ answer: Answer) -> String? {
        ((answer.json["o:errorDetails"] as? [[String: Any]])?.first?["o:errorCode"]) as? String
    }

    private func id(_ answer: Answer) throws -> String {
        let location = try XCTUnwrap(answer.headers.first(name: "Location"), "\(answer.status) \(answer.json)")
        return String(try XCTUnwrap(location.split(separator: "/").last))
    }

    private func salesOrder(_ externalID: String = "so-shopify-1", status: String = "B") async throws -> String {
        let made = try await call(.PUT, "/salesOrder/eid:\(externalID)", body: ["orderStatus": ["id": status]])
        XCTAssertEqual(made.status, 204)
        return try id(made)
    }

    /// "Using External IDs": `PUT …/eid:` creates, then updates the same record (204 + Location).
    func testUpsertByExternalIDCreatesThenUpdates() async throws {
        let first = try await salesOrder(status: "A")
        let second = try await salesOrder(status: "B")
        XCTAssertEqual(first, second)
        let read = try await call(.GET, "/salesOrder/eid:so-shopify-1")
        XCTAssertEqual(read.json["id"] as? String, first)
        XCTAssertEqual((read.json["status"] as? [String: Any])?["refName"] as? String, "Pending Fulfillment")
    }

    /// "Transforming Records": transform-only types are refused by upsert and POST (400 INVALID_CONTENT).
    func testUpsertOrCreateOfATransformOnlyTypeIsRefused() async throws {
        let order = try await salesOrder()
        for type in ["itemFulfillment", "returnAuthorization", "creditMemo"] {
            let upsert = try await call(.PUT, "/\(type)/eid:x-\(type)", body: ["memo": "m"])
            XCTAssertEqual(upsert.status, 400, type)
            XCTAssertEqual(code(upsert), "INVALID_CONTENT")
            let detail = (upsert.json["o:errorDetails"] as? [[String: Any]])?.first?["detail"] as? String
            XCTAssertTrue(detail?.contains("can only be created by transforming") == true, "\(detail ?? "")")
            let create = try await call(.POST, "/\(type)", body: ["externalId": "y-\(type)", "memo": order])
            XCTAssertEqual(create.status, 400, type)
            XCTAssertEqual(code(create), "INVALID_CONTENT")
        }
        let records = await erp.store.allRecords()
        XCTAssertEqual(records.map(\.type), [.salesOrder], "nothing was made")
    }

    /// "Transforming Records": fulfilment and return authorization from the sales order, credit memo
    /// from the return authorization, 204 + Location; pairs NetSuite lacks are refused.
    func testTransformsMakeRecordsFromTheirSource() async throws {
        let order = try await salesOrder()
        let fulfilment = try await call(
            .POST, "/salesOrder/\(order)/!transform/itemFulfillment",
            body: ["externalId": "ful-1", "package": ["items": [["packageTrackingNumber": "1Z1"]]]])
        XCTAssertEqual(fulfilment.status, 204)
        let read = try await call(.GET, "/itemFulfillment/\(try id(fulfilment))")
        XCTAssertEqual((read.json["createdFrom"] as? [String: Any])?["id"] as? String, order)
        let packages = (read.json["package"] as? [String: Any])?["items"] as? [[String: Any]]
        XCTAssertEqual(packages?.first?["packageTrackingNumber"] as? String, "1Z1")
        let again = try await call(
            .POST, "/salesOrder/\(order)/!transform/itemFulfillment", body: ["externalId": "ful-1"])
        XCTAssertEqual(code(again), "DUP_RCRD", "the external id makes a repeated transform fail")
        let authorization = try await call(.POST, "/salesOrder/\(order)/!transform/returnAuthorization", body: [:])
        XCTAssertEqual(authorization.status, 204)
        let memo = try await call(
            .POST, "/returnAuthorization/\(try id(authorization))/!transform/creditMemo",
            body: ["custbody_driftless_refund_id": "re_1"])
        XCTAssertEqual(memo.status, 204)
        let wrong = try await call(.POST, "/salesOrder/\(order)/!transform/creditMemo", body: [:])
        XCTAssertEqual(wrong.status, 400)
        XCTAssertEqual(code(wrong), "INVALID_CONTENT")
        let missing = try await call(.POST, "/salesOrder/99999/!transform/itemFulfillment", body: [:])
        XCTAssertEqual(missing.status, 404)
    }

    /// Domain facts (sales order status): only `orderStatus` A/B is written; `status` is read-only
    /// and derived — D while fulfilments leave lines open, F once one ships the rest.
    func testStatusIsDerivedAndOnlyOrderStatusAOrBIsSettable() async throws {
        let order = try await salesOrder(status: "A")
        let direct = try await call(.PUT, "/salesOrder/eid:so-shopify-1", body: ["status": ["id": "F"]])
        XCTAssertEqual(direct.status, 400)
        XCTAssertEqual(code(direct), "INVALID_FLD_VALUE")
        let billed = try await call(.PATCH, "/salesOrder/\(order)", body: ["orderStatus": ["id": "G"]])
        XCTAssertEqual(billed.status, 400)
        _ = try await salesOrder(status: "B")
        var shown = await erp.store.find(.salesOrder, id: order)?.status?.id
        XCTAssertEqual(shown, "B")
        _ = try await call(
            .POST, "/salesOrder/\(order)/!transform/itemFulfillment",
            body: ["item": ["items": [["itemReceive": false]]]])
        shown = await erp.store.find(.salesOrder, id: order)?.status?.id
        XCTAssertEqual(shown, "D", "partly fulfilled")
        _ = try await call(.POST, "/salesOrder/\(order)/!transform/itemFulfillment", body: [:])
        shown = await erp.store.find(.salesOrder, id: order)?.status?.id
        XCTAssertEqual(shown, "F", "every line fulfilled: pending billing")
        _ = try await salesOrder(status: "A")
        shown = await erp.store.find(.salesOrder, id: order)?.status?.id
        XCTAssertEqual(shown, "F", "orderStatus no longer decides once fulfilled")
    }

    /// "Executing Record Actions": `POST …/@cancel` / `@close` (parameters optional), 204, the state
    /// saved at once; an action the record lacks is refused.
    func testRecordActionsCancelAndClose() async throws {
        let order = try await salesOrder()
        let cancel = try await call(.POST, "/salesOrder/\(order)/@cancel")
        XCTAssertEqual(cancel.status, 204)
        var shown = await erp.store.find(.salesOrder, id: order)?.status?.id
        XCTAssertEqual(shown, "C")
        _ = try await salesOrder(status: "B")
        shown = await erp.store.find(.salesOrder, id: order)?.status?.id
        XCTAssertEqual(shown, "C", "an orderStatus write does not reopen a cancelled order")
        let fulfil = try await call(.POST, "/salesOrder/\(order)/!transform/itemFulfillment", body: [:])
        XCTAssertEqual(fulfil.status, 400, "a cancelled order is not fulfilled")
        let other = try await salesOrder("so-shopify-2")
        let close = try await call(.POST, "/salesOrder/\(other)/@close", body: [:])
        XCTAssertEqual(close.status, 204)
        shown = await erp.store.find(.salesOrder, id: other)?.status?.id
        XCTAssertEqual(shown, "H")
        let unknown = try await call(.POST, "/salesOrder/\(other)/@approveAll", body: [:])
        XCTAssertEqual(unknown.status, 400)
    }

    /// "Collection Paging": collections carry only `links` and `id`; custom fields sit at the top
    /// level of a record ("Getting a Record Instance").
    func testCollectionsCarryLinksAndIDOnlyAndCustomFieldsAreTopLevel() async throws {
        let order = try await salesOrder()
        _ = try await call(
            .PATCH, "/salesOrder/\(order)", body: ["custbody_driftless_version": "7", "memo": "m"])
        let list = try await call(.GET, "/salesOrder?limit=10&offset=0")
        let items = try XCTUnwrap(list.json["items"] as? [[String: Any]])
        XCTAssertEqual(items.count, 1)
        XCTAssertEqual(Set(items[0].keys), ["links", "id"])
        let read = try await call(.GET, "/salesOrder/\(order)")
        XCTAssertEqual(read.json["custbody_driftless_version"] as? String, "7")
        XCTAssertNil(read.json["fields"])
    }

    /// Customer deposits refer to their order by `salesOrder` (no transform, no `createdFrom`).
    func testADepositRefersToItsOrderBySalesOrder() async throws {
        let order = try await salesOrder()
        let deposit = try await call(
            .PUT, "/customerDeposit/eid:dep-1", body: ["salesOrder": ["id": order], "payment": "42.00"])
        XCTAssertEqual(deposit.status, 204)
        let read = try await call(.GET, "/customerDeposit/\(try id(deposit))")
        XCTAssertEqual((read.json["salesOrder"] as? [String: Any])?["id"] as? String, order)
        let orphan = try await call(.PUT, "/customerDeposit/eid:dep-2", body: ["payment": "1.00"])
        XCTAssertEqual(orphan.status, 400)
        let parented = try await call(.PUT, "/customerDeposit/eid:dep-3", body: ["createdFrom": ["id": order]])
        XCTAssertEqual(parented.status, 400, "createdFrom is set only by transforms")
    }

    /// "Executing SuiteQL Queries Through REST Web Services": `Prefer: transient`, `q`, paged by
    /// limit/offset with `items`, `hasMore`, `links`; outside the subset → 400.
    func testSuiteQLServesTheSubsetPaged() async throws {
        for index in 0..<5 { _ = try await salesOrder("so-shopify-\(index)") }
        let query = "SELECT id, externalid FROM transaction WHERE type = 'SalesOrd' ORDER BY id"
        let first = try await suiteQL(query, limit: 2, offset: 0)
        XCTAssertEqual(first.status, 200)
        XCTAssertEqual((first.json["items"] as? [[String: Any]])?.count, 2)
        XCTAssertEqual(first.json["hasMore"] as? Bool, true)
        XCTAssertEqual(first.json["totalResults"] as? Int, 5)
        let links = (first.json["links"] as? [[String: Any]])?.compactMap { $0["rel"] as? String }
        XCTAssertEqual(links, ["self", "next"])
        let last = try await suiteQL(query, limit: 2, offset: 4)
        XCTAssertEqual(last.json["hasMore"] as? Bool, false)
        XCTAssertEqual((last.json["items"] as? [[String: Any]])?.first?["externalid"] as? String, "so-shopify-4")
        let byField = try await suiteQL(
            "SELECT id FROM transaction WHERE externalid IN ('so-shopify-1', 'so-shopify-3')", limit: 10, offset: 0)
        XCTAssertEqual(byField.json["count"] as? Int, 2)
        let unsupported = try await suiteQL("SELECT COUNT(*) FROM customer", limit: 10, offset: 0)
        XCTAssertEqual(unsupported.status, 400)
        XCTAssertEqual(code(unsupported), "INVALID_PARAMETER")
        let notTransient = try await suiteQL(query, limit: 10, offset: 0, prefer: nil)
        XCTAssertEqual(notTransient.status, 400)
    }

    private func suiteQL(_ query: String, limit: Int, offset: Int, prefer: String? = "transient") async throws
        -> Answer
    {
        var request = HTTPClientRequest(
            url: erp.server.baseURL + "/services/rest/query/v1/suiteql?limit=\(limit)&offset=\(offset)")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(ERPSimulatorTests.token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        if let prefer { request.headers.add(name: "Prefer", value: prefer) }
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["q": query])))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:]
        return Answer(status: Int(response.status.code), headers: response.headers, json: json)
    }

    /// "Error Handling and Error Response Format": `type`, `title`, `status`, `o:errorDetails[]`.
    func testErrorsUseTheDocumentedShape() async throws {
        let missing = try await call(.GET, "/salesOrder/424242")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(missing.json["status"] as? Int, 404)
        XCTAssertNotNil(missing.json["title"] as? String)
        XCTAssertNotNil(missing.json["type"] as? String)
        XCTAssertEqual(code(missing), "NONEXISTENT_ID")
    }
}
