/// Classifies the difference between a channel's view and the ERP's view of one order into the
/// playbook's patterns. Pure and deterministic; checks run in order of operational cost:
///
/// 1. ERP has no sales order, channel confirmed/paid → **Checkout Disconnect**.
/// 2. Channel cancelled, ERP neither cancelled nor closed → **Silent Cancellation**.
/// 3. Channel return initiated/received, ERP has no return → **Return Disconnect**.
/// 4. Channel further fulfilled than the ERP → **Shipment Lag**.
/// 5. Channel captured, ERP has no payment record, or none carrying the channel's capture id →
///    **Payment Gap**.
/// 6. Otherwise compare the dimensions the ERP can express → in sync or other drift.
public struct MismatchClassifier: Sendable {
    public init() {}

    /// Classifies; `erp` nil means the ERP has no sales order for the order.
    public func classify(channel: ChannelView, erp: ERPView?) -> MismatchReport {
        let c = channel.dimensions
        func report(_ pattern: MismatchPattern, _ evidence: [String], unmatched: [String] = []) -> MismatchReport {
            MismatchReport(
                key: channel.key, classification: .pattern(pattern), remediation: pattern.remediation,
                evidence: evidence, unmatchedPaymentIDs: unmatched)
        }
        guard let erp else {
            // A cancelled order the channel had already taken money for still needs its sales order
            // (cancelled) and the deposits in the ERP: finance has to see the capture and its refund.
            let confirmed =
                (c.lifecycle != .cancelled && c.payment != .pending && c.payment != .voided
                    && c.payment != .expired) || (c.lifecycle == .cancelled && c.payment.isCapturedOrLater)
            if confirmed || c.fulfillment != .unfulfilled {
                return report(
                    .checkoutDisconnect, ["channel \(channel.canonicalState.rawValue)", "ERP: no sales order"])
            }
            return MismatchReport(
                key: channel.key, classification: .inSync, remediation: nil,
                evidence: ["channel \(channel.canonicalState.rawValue) not yet expected in the ERP"])
        }
        let e = erp.dimensions
        let erpText = "ERP \(erp.status) (\(erp.canonicalState.rawValue))"
        if c.lifecycle == .cancelled && e.lifecycle != .cancelled && erp.status != .closed {
            return report(.silentCancellation, ["channel CANCELLED", erpText])
        }
        if c.lifecycle == .cancelled { return compare(channel, erp) }
        if c.returns > .none && e.returns == .none && !erp.records.contains(.creditMemo) {
            return report(.returnDisconnect, ["channel return=\(c.returns.rawValue)", erpText])
        }
        if fulfilmentRank(expectedERPFulfillment(channel)) > fulfilmentRank(e.fulfillment) {
            return report(
                .shipmentLag,
                [
                    "channel fulfillment=\(c.fulfillment.rawValue)"
                        + (channel.facts.trackingNumbers.isEmpty
                            ? "" : " tracking \(channel.facts.trackingNumbers.joined(separator: ","))"),
                    erpText,
                ])
        }
        if c.payment.isCapturedOrLater {
            let hasPayment =
                !erp.records.isDisjoint(with: [.customerDeposit, .cashSale]) || !erp.paymentReferences.isEmpty
                || e.payment.isCapturedOrLater
            let captureIDs = channel.facts.captureTransactionIDs
            let unmatched = Self.unmatchedCaptureIDs(channel: channel.facts, erp: erp)
            if !hasPayment {
                return report(
                    .paymentGap, ["channel payment=\(c.payment.rawValue)", erpText + " has no payment record"],
                    unmatched: captureIDs)
            }
            if !captureIDs.isEmpty && !erp.paymentReferences.isEmpty && unmatched.count == captureIDs.count {
                return report(
                    .paymentGap,
                    [
                        "channel capture ids \(captureIDs.joined(separator: ","))",
                        "ERP payment references \(erp.paymentReferences.joined(separator: ","))",
                    ], unmatched: captureIDs)
            }
        }
        return compare(channel, erp)
    }

    /// Compares the dimensions the ERP can express.
    private func compare(_ channel: ChannelView, _ erp: ERPView) -> MismatchReport {
        let c = channel.dimensions
        let e = erp.dimensions
        var fields: [String] = []
        if (c.lifecycle == .cancelled) != (e.lifecycle == .cancelled) { fields.append("lifecycle") }
        if c.lifecycle != .cancelled {
            if fulfilmentRank(expectedERPFulfillment(channel)) != fulfilmentRank(e.fulfillment) {
                fields.append("fulfillment")
            }
            if paymentClass(c.payment) != erpPaymentClass(channel: c.payment, erp) { fields.append("payment") }
            if c.returns != e.returns && !(c.returns == .received && erp.records.contains(.creditMemo))
                && !(c.returns == .none && paymentClass(c.payment) >= 2 && e.returns == .initiated)
            {
                // NetSuite makes a credit memo only from a return authorization: a refund without a
                // return still has one (initiated), which is no return drift.
                fields.append("return")
            }
        }
        if fields.isEmpty {
            return MismatchReport(key: channel.key, classification: .inSync, remediation: nil)
        }
        let evidence = fields.map { field -> String in
            switch field {
            case "lifecycle": "lifecycle channel=\(c.lifecycle.rawValue) ERP=\(e.lifecycle.rawValue)"
            case "fulfillment": "fulfillment channel=\(c.fulfillment.rawValue) ERP=\(e.fulfillment.rawValue)"
            case "payment": "payment channel=\(c.payment.rawValue) ERP=\(e.payment.rawValue)"
            default: "return channel=\(c.returns.rawValue) ERP=\(e.returns.rawValue)"
            }
        }
        return MismatchReport(
            key: channel.key, classification: .otherDrift(fields: fields),
            remediation: .manualReview, evidence: evidence + ["ERP \(erp.status)"])
    }

    /// The fulfilment NetSuite can show for the channel's (domain facts): an item fulfilment is made
    /// per tracking number, and Amazon's `getOrders` carries none, so a shipped Amazon order leaves
    /// the sales order unfulfilled (approved, B) in the ERP.
    private func expectedERPFulfillment(_ channel: ChannelView) -> FulfillmentStatus {
        channel.key.channel == .amazon && channel.facts.trackingNumbers.isEmpty
            ? .unfulfilled : channel.dimensions.fulfillment
    }

    /// The ERP's payment class in NetSuite's derived terms: credit memos say refunded; a closed sales
    /// order (`@close`, made for a full refund) with credit memos is fully refunded, an open one partly.
    private func erpPaymentClass(channel: PaymentStatus, _ erp: ERPView) -> Int {
        let derived = paymentClass(erp.dimensions.payment)
        guard erp.records.contains(.creditMemo) else { return derived }
        return erp.status == .closed && paymentClass(channel) == 3 ? 3 : max(derived, 2)
    }

    /// Restocked lines count as not shipped (the order was cancelled).
    private func fulfilmentRank(_ f: FulfillmentStatus) -> Int { f == .restocked ? 0 : f.rank }

    /// The payment distinctions an ERP can express: unpaid, paid, partly refunded, refunded.
    private func paymentClass(_ p: PaymentStatus) -> Int {
        switch p {
        case .pending, .authorized, .voided, .expired: 0
        case .partiallyPaid, .captured: 1
        case .partiallyRefunded: 2
        case .refunded: 3
        }
    }
}
