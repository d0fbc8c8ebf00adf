import Foundation
import OrderModel
import XCTest

final class PayloadDecodingTests: XCTestCase {
    func testFullShopifyOrderFixtureDecodesWhatTheDomainNeeds() throws {
        let order = try ShopifyOrder.decode(from: fixture("shopify-order-fulfilled-refunded.json"))
        XCTAssertEqual(order.id, "5678123401")
        XCTAssertEqual(order.name, "#1042")
        XCTAssertEqual(order.financialStatus, "partially_refunded")
        XCTAssertEqual(order.fulfillmentStatus, "fulfilled")
        XCTAssertEqual(order.updatedAt, ts("2026-11-24T21:05:44Z"))
        XCTAssertNil(order.cancelledAt)
        XCTAssertEqual(order.fulfillments.count, 2)
        XCTAssertEqual(order.fulfillments[0].trackingNumbers, ["1Z999AA10123456784"])
        XCTAssertEqual(order.fulfillments[1].status, "cancelled")
        XCTAssertEqual(order.refunds.map(\.restockTypes), [["return"]])
        XCTAssertEqual(
            order.transactions.filter(\.isSuccessfulCapture).map(\.paymentReference),
            ["ch_3PqR2bLkdIwHu7ix1xYz9876"])
    }

    func testAmazonOrderAndPageFixturesDecode() throws {
        let order = try AmazonOrder.decode(from: fixture("amazon-order.json"))
        XCTAssertEqual(order.amazonOrderID, "902-3159896-1390916")
        XCTAssertEqual(order.orderStatus, "Shipped")
        XCTAssertEqual(order.lastUpdateDate, ts("2026-11-21T04:33:10Z"))
        XCTAssertEqual(order.eventID, "902-3159896-1390916@2026-11-21T04:33:10Z")
        XCTAssertEqual(order.orderTotal?.amount, "64.98")
        let page = try AmazonOrdersPage.decode(from: fixture("amazon-orders-page.json"))
        XCTAssertEqual(page.orders.map(\.orderStatus), ["Unshipped", "Shipped", "Canceled"])
        XCTAssertEqual(page.nextToken, "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4=")
    }

    func testNetSuiteSalesOrderFixtureDecodes() throws {
        let so = try NetSuiteSalesOrder.decode(from: fixture("netsuite-sales-order.json"))
        XCTAssertEqual(so.id, "48213")
        XCTAssertEqual(so.statusCode, "B")
        XCTAssertEqual(so.channelKey, OrderKey(channel: .shopify, orderID: "5678123401"))
        XCTAssertEqual(so.relatedRecords.map(\.type), ["customerDeposit", "itemFulfillment"])
    }

    func testMalformedJSONIsTyped() {
        for body in ["", "{", "{\"id\": 1,", "not json", "[1, 2"] {
            XCTAssertThrowsError(try ShopifyOrder.decode(from: Array(body.utf8)), body) { error in
                guard case .malformedJSON = error as? PayloadError else {
                    return XCTFail("\(body): expected malformedJSON, got \(error)")
                }
            }
        }
    }

    func testTopLevelNonObjectIsWrongTypeAtRoot() {
        assertThrows(PayloadError.wrongType(path: "$", expected: "object")) {
            () throws(PayloadError) in try ShopifyOrder.decode(from: Array("[1, 2]".utf8))
        }
    }

    func testMissingRequiredFieldsNameTheirPath() {
        assertThrows(PayloadError.missingField(path: "$.financial_status")) { () throws(PayloadError) in
            try ShopifyOrder.decode(from: Array(#"{"id": 1, "updated_at": "2026-11-20T10:00:00Z"}"#.utf8))
        }
        assertThrows(PayloadError.missingField(path: "$.updated_at")) { () throws(PayloadError) in
            try ShopifyOrder.decode(from: Array(#"{"id": 1, "financial_status": "paid"}"#.utf8))
        }
        assertThrows(PayloadError.missingField(path: "$.financial_status")) { () throws(PayloadError) in
            try ShopifyOrder.decode(
                from: Array(#"{"id": 1, "updated_at": "2026-11-20T10:00:00Z", "financial_status": null}"#.utf8))
        }
        assertThrows(PayloadError.missingField(path: "$.OrderStatus")) { () throws(PayloadError) in
            try AmazonOrder.decode(
                from: Array(#"{"AmazonOrderId": "1", "LastUpdateDate": "2026-11-20T10:00:00Z"}"#.utf8))
        }
        assertThrows(PayloadError.missingField(path: "$.orderStatus.id")) { () throws(PayloadError) in
            try NetSuiteSalesOrder.decode(
                from: Array(#"{"id": "1", "lastModifiedDate": "2026-11-20T10:00:00Z", "orderStatus": {}}"#.utf8))
        }
        assertThrows(PayloadError.missingField(path: "$.transactions[1].kind")) { () throws(PayloadError) in
            try ShopifyOrder.decode(
                from: Array(
                    #"""
                    {"id": 1, "updated_at": "2026-11-20T10:00:00Z", "financial_status": "paid",
                     "transactions": [{"id": 1, "kind": "sale"}, {"id": 2}]}
                    """#.utf8))
        }
    }

    func testWrongTypesNameTheirPath() {
        assertThrows(PayloadError.wrongType(path: "$.financial_status", expected: "string")) {
            () throws(PayloadError) in
            try ShopifyOrder.decode(
                from: Array(#"{"id": 1, "updated_at": "2026-11-20T10:00:00Z", "financial_status": 3}"#.utf8))
        }
        assertThrows(PayloadError.wrongType(path: "$.fulfillments[0].tracking_numbers", expected: "array")) {
            () throws(PayloadError) in
            try ShopifyOrder.decode(
                from: Array(
                    #"""
                    {"id": 1, "updated_at": "2026-11-20T10:00:00Z", "financial_status": "paid",
                     "fulfillments": [{"id": 9, "tracking_numbers": "1Z"}]}
                    """#.utf8))
        }
        assertThrows(PayloadError.wrongType(path: "$.id", expected: "string")) { () throws(PayloadError) in
            try ShopifyOrder.decode(
                from: Array(#"{"id": {"x": 1}, "updated_at": "2026-11-20T10:00:00Z", "financial_status": "paid"}"#.utf8)
            )
        }
        assertThrows(PayloadError.wrongType(path: "$.NumberOfItemsShipped", expected: "integer")) {
            () throws(PayloadError) in
            try AmazonOrder.decode(
                from: Array(
                    #"""
                    {"AmazonOrderId": "1", "LastUpdateDate": "2026-11-20T10:00:00Z", "OrderStatus": "Shipped",
                     "NumberOfItemsShipped": "two"}
                    """#.utf8))
        }
    }

    func testInvalidTimestampIsInvalidValueWithPath() {
        assertThrows(
            PayloadError.invalidValue(path: "$.updated_at", value: "yesterday", reason: "not an RFC 3339 timestamp")
        ) { () throws(PayloadError) in
            try ShopifyOrder.decode(
                from: Array(#"{"id": 1, "updated_at": "yesterday", "financial_status": "paid"}"#.utf8))
        }
    }

    func testUnknownExtraFieldsAreIgnored() throws {
        let order = try ShopifyOrder.decode(
            from: Array(
                #"""
                {"id": "abc", "updated_at": "2026-11-20T10:00:00.250Z", "financial_status": "paid",
                 "brand_new_field": {"nested": [1, 2, {"deep": true}]}, "another": null}
                """#.utf8))
        XCTAssertEqual(order.id, "abc")
        XCTAssertEqual(
            order.updatedAt.timeIntervalSince1970, ts("2026-11-20T10:00:00Z").timeIntervalSince1970 + 0.25,
            accuracy: 0.0001)
    }

    func testTenMegabyteBodyIsRejectedBeforeParsingWithTypedError() {
        var body = Array(#"{"id": 1, "updated_at": "2026-11-20T10:00:00Z", "financial_status": "paid", "note": ""#.utf8)
        body += [UInt8](repeating: UInt8(ascii: "x"), count: 10 << 20)
        body += Array("\"}".utf8)
        assertThrows(PayloadError.tooLarge(size: body.count, limit: PayloadLimits.defaultMaxBytes)) {
            () throws(PayloadError) in try ShopifyOrder.decode(from: body)
        }
        assertThrows(PayloadError.tooLarge(size: body.count, limit: PayloadLimits.defaultMaxBytes)) {
            () throws(PayloadError) in try AmazonOrder.decode(from: Data(body))
        }
        // Size is checked before parsing: 10 MB of non-JSON is rejected as too large, not as malformed.
        let garbage = [UInt8](repeating: UInt8(ascii: "{"), count: 10 << 20)
        assertThrows(PayloadError.tooLarge(size: garbage.count, limit: PayloadLimits.defaultMaxBytes)) {
            () throws(PayloadError) in try NetSuiteSalesOrder.decode(from: garbage)
        }
        // The same body under a raised limit parses, proving the limit (not the content) rejected it.
        XCTAssertNoThrow(try ShopifyOrder.decode(from: body, maxBytes: 11 << 20))
    }

    func testDeeplyNestedGarbageDoesNotCrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertThrowsError(try ShopifyOrder.decode(from: Array(deep.utf8), maxBytes: 1 << 20))
    }
}
