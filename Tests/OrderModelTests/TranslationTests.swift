import Foundation
import OrderModel
import XCTest

/// Table-driven: every mapped value of every channel through the bundled default matrix.
final class TranslationTests: XCTestCase {
    func testEveryShopifyFinancialStatus() throws {
        let t = try defaultTranslator()
        let table: [(String, PaymentStatus, CanonicalState)] = [
            ("pending", .pending, .pendingPayment),
            ("authorized", .authorized, .paymentAuthorized),
            ("partially_paid", .partiallyPaid, .paymentAuthorized),
            ("paid", .captured, .paymentCaptured),
            ("partially_refunded", .partiallyRefunded, .partiallyRefunded),
            ("refunded", .refunded, .refunded),
            ("voided", .voided, .paymentVoided),
            ("expired", .expired, .paymentVoided),
        ]
        XCTAssertEqual(Set(table.map(\.0)), Set(MappingField.shopifyFinancialStatus.requiredValues))
        for (value, payment, state) in table {
            let obs = try t.translate(channel: .shopify, payload: shopifyJSON(financial: value), eventID: "e-\(value)")
            XCTAssertEqual(obs.dimensions, OrderDimensions(payment: payment), value)
            XCTAssertEqual(obs.canonicalState, state, value)
            XCTAssertEqual(obs.key, OrderKey(channel: .shopify, orderID: "1001"))
            XCTAssertEqual(obs.eventID, "e-\(value)")
        }
    }

    func testEveryShopifyFulfillmentStatus() throws {
        let t = try defaultTranslator()
        let table: [(String?, FulfillmentStatus, CanonicalState)] = [
            (nil, .unfulfilled, .paymentCaptured),
            ("partial", .partial, .partiallyShipped),
            ("fulfilled", .fulfilled, .shipped),
            ("restocked", .restocked, .cancelled),
        ]
        for (value, fulfillment, state) in table {
            let obs = try t.translate(channel: .shopify, payload: shopifyJSON(fulfillment: value), eventID: "e")
            XCTAssertEqual(
                obs.dimensions, OrderDimensions(payment: .captured, fulfillment: fulfillment), "\(value ?? "null")")
            XCTAssertEqual(obs.canonicalState, state, "\(value ?? "null")")
        }
    }

    func testEveryShopifyCancelReasonCancels() throws {
        let t = try defaultTranslator()
        for reason in MappingField.shopifyCancelReason.requiredValues {
            let obs = try t.translate(
                channel: .shopify,
                payload: shopifyJSON(
                    financial: "voided", cancelledAt: "2026-11-20T09:00:00Z", cancelReason: reason), eventID: "e")
            XCTAssertEqual(obs.dimensions, OrderDimensions(payment: .voided, lifecycle: .cancelled), reason)
            XCTAssertEqual(obs.canonicalState, .cancelled, reason)
            XCTAssertEqual(obs.facts.cancelReason, reason)
            XCTAssertEqual(obs.facts.cancelledAt, ts("2026-11-20T09:00:00Z"))
        }
        // A cancel reason without cancelled_at does not cancel.
        let open = try t.translate(channel: .shopify, payload: shopifyJSON(cancelReason: "fraud"), eventID: "e")
        XCTAssertEqual(open.dimensions.lifecycle, .open)
    }

    func testEveryShopifyReturnStatusAndRestockType() throws {
        let t = try defaultTranslator()
        let returns: [(String, ReturnStatus)] = [
            ("NO_RETURN", .none), ("RETURN_REQUESTED", .initiated), ("IN_PROGRESS", .initiated),
            ("RETURN_FAILED", .initiated), ("INSPECTION_COMPLETE", .received), ("RETURNED", .received),
        ]
        XCTAssertEqual(Set(returns.map(\.0)), Set(MappingField.shopifyReturnStatus.requiredValues))
        for (value, expected) in returns {
            let obs = try t.translate(
                channel: .shopify, payload: shopifyJSON(fulfillment: "fulfilled", returnStatus: value),
                eventID: "e")
            XCTAssertEqual(obs.dimensions.returns, expected, value)
        }
        let restocks: [(String, ReturnStatus)] = [
            ("no_restock", .none), ("cancel", .none), ("legacy_restock", .none), ("return", .received),
        ]
        for (value, expected) in restocks {
            let obs = try t.translate(
                channel: .shopify,
                payload: shopifyJSON(
                    financial: "partially_refunded", fulfillment: "fulfilled", restockType: value), eventID: "e")
            XCTAssertEqual(obs.dimensions.returns, expected, value)
            XCTAssertEqual(obs.facts.refundIDs, ["77"])
        }
    }

    func testEveryAmazonOrderStatus() throws {
        let t = try defaultTranslator()
        let table: [(String, OrderDimensions, CanonicalState)] = [
            ("PendingAvailability", OrderDimensions(payment: .pending), .pendingPayment),
            ("Pending", OrderDimensions(payment: .pending), .pendingPayment),
            ("Unshipped", OrderDimensions(payment: .authorized), .paymentAuthorized),
            ("PartiallyShipped", OrderDimensions(payment: .partiallyPaid, fulfillment: .partial), .partiallyShipped),
            ("Shipped", OrderDimensions(payment: .captured, fulfillment: .fulfilled), .shipped),
            ("InvoiceUnconfirmed", OrderDimensions(payment: .captured, fulfillment: .fulfilled), .shipped),
            ("Canceled", OrderDimensions(lifecycle: .cancelled), .cancelled),
            ("Unfulfillable", OrderDimensions(lifecycle: .cancelled), .cancelled),
        ]
        XCTAssertEqual(Set(table.map(\.0)), Set(MappingField.amazonOrderStatus.requiredValues))
        for (status, dims, state) in table {
            let json =
                #"{"AmazonOrderId": "902-1", "LastUpdateDate": "2026-11-21T04:33:10Z", "OrderStatus": "\#(status)"}"#
            let obs = try t.translate(channel: .amazon, payload: Array(json.utf8), eventID: nil)
            XCTAssertEqual(obs.dimensions, dims, status)
            XCTAssertEqual(obs.canonicalState, state, status)
            XCTAssertEqual(obs.key.description, "amazon:902-1")
            XCTAssertEqual(obs.eventID, "902-1@2026-11-21T04:33:10Z")
            // Amazon settles per order: once captured, the order id is the capture reference.
            XCTAssertEqual(obs.facts.captureTransactionIDs, dims.payment.isCapturedOrLater ? ["902-1"] : [], status)
        }
    }

    func testEveryERPStatusCodeAndRelatedRecord() throws {
        let t = try defaultTranslator()
        let codes: [(String, CanonicalState)] = [
            ("A", .pendingPayment), ("B", .paymentAuthorized), ("C", .cancelled), ("D", .partiallyShipped),
            ("E", .partiallyShipped), ("F", .shipped), ("G", .shipped), ("H", .closed),
        ]
        for (code, state) in codes {
            let so = NetSuiteSalesOrder(id: "1", lastModifiedDate: ts("2026-11-21T00:00:00Z"), statusCode: code)
            XCTAssertEqual(try t.erpView(of: so).canonicalState, state, code)
            XCTAssertEqual(try t.erpView(of: so).status.rawValue, code)
        }
        typealias R = NetSuiteSalesOrder.RelatedRecord
        let records: [(R, OrderDimensions)] = [
            (
                R(type: "itemFulfillment", id: "1", status: "Shipped", trackingNumbers: ["T1"]),
                OrderDimensions(payment: .authorized, fulfillment: .partial)
            ),
            (R(type: "itemFulfillment", id: "1", status: "Picked"), OrderDimensions(payment: .authorized)),
            (R(type: "itemFulfillment", id: "1", status: "Packed"), OrderDimensions(payment: .authorized)),
            (R(type: "invoice", id: "1"), OrderDimensions(payment: .authorized)),
            (R(type: "invoice", id: "1", paymentReference: "ch_1"), OrderDimensions(payment: .captured)),
            (R(type: "cashSale", id: "1", paymentReference: "ch_1"), OrderDimensions(payment: .captured)),
            (R(type: "customerDeposit", id: "1"), OrderDimensions(payment: .captured)),
            (
                R(type: "returnAuthorization", id: "1", status: "Pending Receipt"),
                OrderDimensions(payment: .authorized, returns: .initiated)
            ),
            (
                R(type: "returnAuthorization", id: "1", status: "Received"),
                OrderDimensions(payment: .authorized, returns: .received)
            ),
            (R(type: "creditMemo", id: "CM1"), OrderDimensions(payment: .partiallyRefunded)),
        ]
        for (record, dims) in records {
            let so = NetSuiteSalesOrder(
                id: "1", lastModifiedDate: ts("2026-11-21T00:00:00Z"), statusCode: "B",
                relatedRecords: [record])
            let view = try t.erpView(of: so)
            XCTAssertEqual(view.dimensions, dims, "\(record.type):\(record.status ?? "")")
            XCTAssertTrue(view.records.contains(try XCTUnwrap(ERPRecordType(rawValue: record.type))))
        }
    }

    func testFixturesTranslate() throws {
        let t = try defaultTranslator()
        let shopify = try t.translate(
            channel: .shopify, payload: fixture("shopify-order-fulfilled-refunded.json"),
            eventID: "wh-1", kind: "orders/updated")
        XCTAssertEqual(
            shopify.dimensions,
            OrderDimensions(payment: .partiallyRefunded, fulfillment: .fulfilled, returns: .received))
        XCTAssertEqual(shopify.canonicalState, .returned)
        XCTAssertEqual(shopify.facts.trackingNumbers, ["1Z999AA10123456784"], "cancelled fulfilment excluded")
        XCTAssertEqual(shopify.facts.captureTransactionIDs, ["ch_3PqR2bLkdIwHu7ix1xYz9876"])
        XCTAssertEqual(shopify.facts.refundIDs, ["9310001"])
        XCTAssertEqual(shopify.sourceTimestamp, ts("2026-11-24T21:05:44Z"))

        let partial = try t.translate(
            channel: .shopify, payload: fixture("shopify-order-paid-partial.json"), eventID: "wh-3")
        XCTAssertEqual(partial.dimensions, OrderDimensions(payment: .captured, fulfillment: .partial))
        XCTAssertEqual(partial.canonicalState, .partiallyShipped)
        XCTAssertEqual(partial.facts.trackingNumbers, ["1Z999AA10123456784"])
        XCTAssertEqual(partial.facts.captureTransactionIDs, ["ch_3PqR2bLkdIwHu7ix1xYz9876"])

        let cancelled = try t.translate(
            channel: .shopify, payload: fixture("shopify-order-cancelled.json"), eventID: "wh-2")
        XCTAssertEqual(cancelled.canonicalState, .cancelled)
        XCTAssertEqual(cancelled.facts.cancelReason, "fraud")
        XCTAssertEqual(cancelled.facts.captureTransactionIDs, [])

        let amazon = try t.translate(channel: .amazon, payload: fixture("amazon-order.json"), eventID: nil)
        XCTAssertEqual(amazon.canonicalState, .shipped)
        XCTAssertEqual(amazon.facts.captureTransactionIDs, ["902-3159896-1390916"])

        let erp = try t.translate(channel: .erp, payload: fixture("netsuite-sales-order.json"), eventID: nil)
        XCTAssertEqual(erp.key, OrderKey(channel: .erp, orderID: "48213"))
        XCTAssertEqual(erp.dimensions, OrderDimensions(payment: .captured))
        XCTAssertEqual(erp.facts.captureTransactionIDs, ["ch_3PqR2bLkdIwHu7ix1xYz9876"])
        XCTAssertEqual(erp.eventID, "48213@2026-11-21T18:02:11Z")
    }

    func testUnknownStatusValuesAreUnmappedErrorsNamingChannelFieldValue() throws {
        let t = try defaultTranslator()
        let cases: [(Channel, [UInt8], MappingError)] = [
            (
                .shopify, shopifyJSON(financial: "paid_in_full"),
                .unmappedValue(channel: .shopify, field: "financial_status", value: "paid_in_full")
            ),
            (
                .shopify, shopifyJSON(fulfillment: "in_progress"),
                .unmappedValue(channel: .shopify, field: "fulfillment_status", value: "in_progress")
            ),
            (
                .shopify, shopifyJSON(cancelledAt: "2026-11-20T09:00:00Z", cancelReason: "changed_mind"),
                .unmappedValue(channel: .shopify, field: "cancel_reason", value: "changed_mind")
            ),
            (
                .shopify, shopifyJSON(returnStatus: "LOST"),
                .unmappedValue(channel: .shopify, field: "return_status", value: "LOST")
            ),
            (
                .shopify, shopifyJSON(restockType: "teleport"),
                .unmappedValue(channel: .shopify, field: "refund_restock_type", value: "teleport")
            ),
            (
                .amazon,
                Array(
                    #"{"AmazonOrderId": "1", "LastUpdateDate": "2026-11-21T04:33:10Z", "OrderStatus": "Delivered"}"#
                        .utf8),
                .unmappedValue(channel: .amazon, field: "order_status", value: "Delivered")
            ),
            (
                .erp,
                Array(#"{"id": "1", "lastModifiedDate": "2026-11-21T04:33:10Z", "orderStatus": {"id": "Z"}}"#.utf8),
                .unmappedValue(channel: .erp, field: "sales_order_status", value: "Z")
            ),
            (
                .erp,
                Array(
                    #"{"id": "1", "lastModifiedDate": "2026-11-21T04:33:10Z", "orderStatus": {"id": "B"}, "relatedRecords": [{"type": "journalEntry", "id": "9"}]}"#
                        .utf8),
                .unmappedValue(channel: .erp, field: "related_record", value: "journalEntry")
            ),
        ]
        for (channel, payload, expected) in cases {
            assertThrows(TranslationError.mapping(expected)) { () throws(TranslationError) in
                try t.translate(channel: channel, payload: payload, eventID: "e")
            }
        }
    }

    func testPayloadErrorsSurfaceThroughTranslate() throws {
        let t = try defaultTranslator()
        assertThrows(TranslationError.payload(.missingField(path: "$.AmazonOrderId"))) { () throws(TranslationError) in
            try t.translate(channel: .amazon, payload: Array(#"{"OrderStatus": "Shipped"}"#.utf8), eventID: nil)
        }
    }
}
