import OrderModel
import XCTest

/// The pure comparison step of reconciliation: classification through the mismatch classifier, ERP
/// dimensions from status and records, and the policy per pattern.
final class ReconcilerTests: XCTestCase {
    private let key = OrderKey(channel: .shopify, orderID: "1001")

    private func reconciler(_ policy: ReconcilePolicy = .default) throws -> Reconciler {
        Reconciler(matrix: try MappingMatrix.default, policy: policy)
    }

    private func channel(
        _ payment: PaymentStatus, _ fulfillment: FulfillmentStatus = .unfulfilled,
        lifecycle: LifecycleStatus = .open, returns: ReturnStatus = .none, captures: [String] = ["ch_1"]
    ) -> ChannelView {
        ChannelView(
            key: key,
            dimensions: OrderDimensions(
                payment: payment, fulfillment: fulfillment, lifecycle: lifecycle, returns: returns),
            facts: OrderFacts(captureTransactionIDs: captures))
    }

    private func erp(
        _ status: ERPStatusCode, _ records: Set<ERPRecordType> = [], references: [String] = []
    ) -> ERPView {
        // Dimensions left at their defaults, as ERPSync reads them: the reconciler derives them.
        ERPView(
            salesOrderID: "77", channelKey: key, status: status, dimensions: OrderDimensions(), records: records,
            paymentReferences: references)
    }

    func testEachPatternOtherDriftAndInSyncWithDefaultPolicy() throws {
        let r = try reconciler()
        let paidERP = erp(.pendingFulfillment, [.customerDeposit], references: ["ch_1"])
        let cases: [(String, ReconcileVerdict, MismatchClassification, ReconcileAction?)] = [
            ("in sync", r.compare(channel: channel(.captured), erp: paidERP), .inSync, nil),
            ("P1", r.compare(channel: channel(.captured), erp: nil), .pattern(.checkoutDisconnect), .autoCorrect),
            (
                "P2", r.compare(channel: channel(.captured, .fulfilled), erp: paidERP), .pattern(.shipmentLag),
                .autoCorrect
            ),
            (
                "P3",
                r.compare(
                    channel: channel(.captured, .fulfilled, returns: .initiated),
                    erp: erp(.pendingBilling, [.customerDeposit, .itemFulfillment], references: ["ch_1"])),
                .pattern(.returnDisconnect), .autoCorrect
            ),
            (
                "P4", r.compare(channel: channel(.captured, lifecycle: .cancelled), erp: paidERP),
                .pattern(.silentCancellation), .flag
            ),
            (
                "P5", r.compare(channel: channel(.captured), erp: erp(.pendingApproval)), .pattern(.paymentGap),
                .autoCorrect
            ),
        ]
        for (name, verdict, classification, action) in cases {
            XCTAssertEqual(verdict.report.classification, classification, name)
            XCTAssertEqual(verdict.action, action, name)
        }
        let other = r.compare(
            channel: channel(.captured),
            erp: erp(.pendingBilling, [.customerDeposit, .itemFulfillment], references: ["ch_1"]))
        XCTAssertEqual(other.report.classification, .otherDrift(fields: ["fulfillment"]))
        XCTAssertEqual(other.action, .flag)
    }

    func testERPDimensionsComeFromStatusAndRecords() throws {
        let r = try reconciler()
        let d = r.erpDimensions(of: erp(.pendingFulfillment, [.customerDeposit, .returnAuthorization]))
        XCTAssertEqual(d.payment, .captured)
        XCTAssertEqual(d.returns, .initiated)
        XCTAssertEqual(
            r.erpDimensions(of: erp(.pendingFulfillment, [.invoice])).payment, .authorized,
            "an invoice without a payment reference is not a payment")
        XCTAssertEqual(r.erpDimensions(of: erp(.pendingBilling)).fulfillment, .fulfilled)
    }

    func testPolicyParsesNamesAndRejectsUnknownOnes() throws {
        let policy = try ReconcilePolicy.parse(["pattern-4-silentCancellation": "auto-correct", "other-drift": "flag"])
        XCTAssertEqual(policy.patterns[.silentCancellation], .autoCorrect)
        XCTAssertEqual(policy.patterns[.shipmentLag], .autoCorrect, "left out: the default")
        XCTAssertEqual(ReconcilePolicy.default.patterns[.silentCancellation], .flag)
        XCTAssertThrowsError(try ReconcilePolicy.parse(["pattern-9-nothing": "flag"])) { error in
            XCTAssertEqual(error as? ReconcilePolicyError, .unknownPattern("pattern-9-nothing"))
        }
        XCTAssertThrowsError(try ReconcilePolicy.parse(["other-drift": "ignore"])) { error in
            XCTAssertEqual(error as? ReconcilePolicyError, .unknownAction(pattern: "other-drift", value: "ignore"))
        }
        XCTAssertEqual(ReconcilePolicy.name(of: .shipmentLag), "pattern-2-shipmentLag")
    }
}
