import Foundation
import OrderModel
import XCTest

/// Every row of the playbook's "Five Most Common Mismatch Patterns" table, built from real payload
/// shapes through the default matrix, plus in-sync and other drift.
final class MismatchClassifierTests: XCTestCase {
    let classifier = MismatchClassifier()
    typealias R = NetSuiteSalesOrder.RelatedRecord

    func channel(_ payload: [UInt8]) throws -> ChannelView {
        ChannelView(try defaultTranslator().translate(channel: .shopify, payload: payload, eventID: "e"))
    }

    func erp(_ code: String, _ records: [R] = []) throws -> ERPView {
        try defaultTranslator().erpView(
            of: NetSuiteSalesOrder(
                id: "SO1", externalID: "shopify:1001", lastModifiedDate: ts("2026-11-21T00:00:00Z"), statusCode: code,
                relatedRecords: records))
    }

    func paidShopify(fulfillment: String? = nil, capture: String = "ch_A1") -> [UInt8] {
        let f = fulfillment.map { "\"\($0)\"" } ?? "null"
        let tracking = fulfillment == nil ? "[]" : #"[{"id": 1, "status": "success", "tracking_number": "1ZTRACK"}]"#
        return Array(
            #"""
            {"id": 1001, "updated_at": "2026-11-20T10:00:00Z", "financial_status": "paid", "fulfillment_status": \#(f),
             "fulfillments": \#(tracking),
             "transactions": [{"id": 1, "kind": "sale", "status": "success", "authorization": "\#(capture)"}]}
            """#.utf8)
    }

    func testPattern1CheckoutDisconnect() throws {
        let report = classifier.classify(channel: try channel(paidShopify()), erp: nil)
        XCTAssertEqual(report.pattern, .checkoutDisconnect)
        XCTAssertEqual(report.remediation, .reprocessPayload)
        // An unpaid (pending) order missing in the ERP is not yet expected there.
        XCTAssertTrue(classifier.classify(channel: try channel(shopifyJSON(financial: "pending")), erp: nil).isInSync)
        // A cancelled order whose payment was captured is missing from the ERP too (sales order C, deposit).
        let cancelledPaid = classifier.classify(
            channel: try channel(
                shopifyJSON(financial: "paid", cancelledAt: "2026-11-20T09:00:00Z", cancelReason: "customer")), erp: nil
        )
        XCTAssertEqual(cancelledPaid.pattern, .checkoutDisconnect)
        // Cancelled before any payment: nothing to record.
        XCTAssertTrue(
            classifier.classify(
                channel: try channel(
                    shopifyJSON(financial: "voided", cancelledAt: "2026-11-20T09:00:00Z", cancelReason: "customer")),
                erp: nil
            ).isInSync)
    }

    func testPattern2ShipmentLag() throws {
        let report = classifier.classify(
            channel: try channel(paidShopify(fulfillment: "fulfilled")),
            erp: try erp("B", [R(type: "customerDeposit", id: "CD1", paymentReference: "ch_A1")]))
        XCTAssertEqual(report.pattern, .shipmentLag)
        XCTAssertEqual(report.remediation, .triggerSync)
        XCTAssertTrue(report.evidence.joined().contains("1ZTRACK"))
        // A picked (not shipped) item fulfilment still lags.
        let picked = classifier.classify(
            channel: try channel(paidShopify(fulfillment: "fulfilled")),
            erp: try erp(
                "B",
                [
                    R(type: "itemFulfillment", id: "IF1", status: "Picked"),
                    R(type: "customerDeposit", id: "CD1", paymentReference: "ch_A1"),
                ]))
        XCTAssertEqual(picked.pattern, .shipmentLag)
    }

    func testPattern3ReturnDisconnect() throws {
        let report = classifier.classify(
            channel: try channel(shopifyJSON(fulfillment: "fulfilled", returnStatus: "RETURN_REQUESTED")),
            erp: try erp("G", [R(type: "invoice", id: "INV1", paymentReference: "ch_A1")]))
        XCTAssertEqual(report.pattern, .returnDisconnect)
        XCTAssertEqual(report.remediation, .alignReturnCreditMemo)
        // With a return authorization in the ERP it is no longer a disconnect.
        let aligned = classifier.classify(
            channel: try channel(shopifyJSON(fulfillment: "fulfilled", returnStatus: "RETURN_REQUESTED")),
            erp: try erp(
                "G",
                [
                    R(type: "invoice", id: "INV1", paymentReference: "ch_A1"),
                    R(type: "returnAuthorization", id: "RA1", status: "Pending Receipt"),
                ]))
        XCTAssertTrue(aligned.isInSync, "\(aligned)")
    }

    func testPattern4SilentCancellation() throws {
        let cancelled = try channel(
            shopifyJSON(
                financial: "voided", cancelledAt: "2026-11-20T11:00:00Z",
                cancelReason: "customer"))
        for code in ["B", "D", "E", "F", "G"] {
            let report = classifier.classify(channel: cancelled, erp: try erp(code))
            XCTAssertEqual(report.pattern, .silentCancellation, code)
            XCTAssertEqual(report.remediation, .blockFulfilment, code)
        }
        XCTAssertTrue(classifier.classify(channel: cancelled, erp: try erp("C")).isInSync)
        XCTAssertFalse(cancelled.dimensions.allowsFulfilmentRelease)
    }

    func testPattern5PaymentGap() throws {
        // ERP still pending payment: no payment record at all.
        let noPayment = classifier.classify(channel: try channel(paidShopify()), erp: try erp("B"))
        XCTAssertEqual(noPayment.pattern, .paymentGap)
        XCTAssertEqual(noPayment.remediation, .matchPaymentID)
        XCTAssertEqual(noPayment.unmatchedPaymentIDs, ["ch_A1"])
        // A deposit with another gateway id: the capture id is not matched.
        let wrongID = classifier.classify(
            channel: try channel(paidShopify(capture: "ch_A1")),
            erp: try erp("B", [R(type: "customerDeposit", id: "CD1", paymentReference: "ch_ZZ")]))
        XCTAssertEqual(wrongID.pattern, .paymentGap)
        XCTAssertEqual(wrongID.unmatchedPaymentIDs, ["ch_A1"])
        // Matching id: in sync.
        let matched = classifier.classify(
            channel: try channel(paidShopify(capture: "ch_A1")),
            erp: try erp("B", [R(type: "customerDeposit", id: "CD1", paymentReference: "ch_A1")]))
        XCTAssertTrue(matched.isInSync, "\(matched)")
        XCTAssertNil(matched.remediation)
    }

    func testFixturesShopifyVersusNetSuiteIsShipmentLag() throws {
        let t = try defaultTranslator()
        let shopify = ChannelView(
            try t.translate(
                channel: .shopify, payload: fixture("shopify-order-fulfilled-refunded.json"),
                eventID: "e"))
        let so = try NetSuiteSalesOrder.decode(from: fixture("netsuite-sales-order.json"))
        XCTAssertEqual(so.channelKey, shopify.key)
        let report = classifier.classify(channel: shopify, erp: try t.erpView(of: so))
        // Return received upstream, ERP has neither return nor credit memo: the return disconnect wins.
        XCTAssertEqual(report.pattern, .returnDisconnect)
    }

    func testOtherDriftListsDifferingFields() throws {
        // Channel authorized only, ERP says billed and shipped: no pattern, fields differ.
        let report = classifier.classify(
            channel: try channel(shopifyJSON(financial: "authorized")),
            erp: try erp("G", [R(type: "invoice", id: "INV1", paymentReference: "ch_X")]))
        XCTAssertEqual(report.classification, .otherDrift(fields: ["fulfillment", "payment"]))
        XCTAssertEqual(report.remediation, .manualReview)
    }

    func testInSyncAcrossTheLifecycle() throws {
        let cases: [([UInt8], String, [R])] = [
            (shopifyJSON(financial: "authorized"), "B", []),
            (paidShopify(), "B", [R(type: "customerDeposit", id: "CD1", paymentReference: "ch_A1")]),
            (
                paidShopify(fulfillment: "partial"), "E",
                [
                    R(type: "customerDeposit", id: "CD1", paymentReference: "ch_A1"),
                    R(type: "itemFulfillment", id: "IF1", status: "Shipped"),
                ]
            ),
            (paidShopify(fulfillment: "fulfilled"), "G", [R(type: "invoice", id: "INV1", paymentReference: "ch_A1")]),
        ]
        for (payload, code, records) in cases {
            let report = classifier.classify(channel: try channel(payload), erp: try erp(code, records))
            XCTAssertTrue(report.isInSync, "\(code): \(report)")
        }
    }

    func testEveryPatternHasThePlaybookRemediation() {
        let expected: [MismatchPattern: Remediation] = [
            .checkoutDisconnect: .reprocessPayload, .shipmentLag: .triggerSync,
            .returnDisconnect: .alignReturnCreditMemo, .silentCancellation: .blockFulfilment,
            .paymentGap: .matchPaymentID,
        ]
        for pattern in MismatchPattern.allCases { XCTAssertEqual(pattern.remediation, expected[pattern]) }
        XCTAssertEqual(MismatchPattern.allCases.map(\.number), [1, 2, 3, 4, 5])
    }
}

extension MismatchClassifierTests {
    func testPattern4GuardBlocksFulfilmentReleaseForCancelledOrders() throws {
        let matrix = try MappingMatrix.default
        let cancelled = try channel(
            shopifyJSON(financial: "voided", cancelledAt: "2026-11-20T11:00:00Z", cancelReason: "fraud"))
        let paid = try channel(paidShopify())
        for state in CanonicalState.allCases {
            let target = try XCTUnwrap(matrix.erpTarget(for: state))
            let releases = FulfilmentGuard.releasesFulfilment(target)
            XCTAssertEqual(FulfilmentGuard.check(target: target, channel: paid.dimensions), .allow, "\(state)")
            if releases {
                guard case .block(let reason) = FulfilmentGuard.check(target: target, channel: cancelled.dimensions)
                else {
                    return XCTFail("\(state) must be blocked for a cancelled order")
                }
                XCTAssertTrue(reason.contains("Pattern 4"), reason)
            } else {
                XCTAssertEqual(FulfilmentGuard.check(target: target, channel: cancelled.dimensions), .allow, "\(state)")
            }
        }
        // The default matrix's pre-shipment and shipping targets are the releasing ones.
        let releasing = CanonicalState.allCases.filter { state in
            matrix.erpTarget(for: state).map(FulfilmentGuard.releasesFulfilment) ?? false
        }
        XCTAssertEqual(releasing, [.paymentAuthorized, .paymentCaptured, .partiallyShipped, .shipped])
    }

    func testPattern5UnmatchedCaptureIDs() throws {
        let facts = OrderFacts(captureTransactionIDs: ["ch_1", "ch_2"])
        let view = try erp("B", [R(type: "customerDeposit", id: "CD1", paymentReference: "ch_2")])
        XCTAssertEqual(MismatchClassifier.unmatchedCaptureIDs(channel: facts, erp: view), ["ch_1"])
        XCTAssertEqual(MismatchClassifier.unmatchedCaptureIDs(channel: .none, erp: view), [])
    }
}
