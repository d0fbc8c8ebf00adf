/// The playbook's five mismatch patterns.
public enum MismatchPattern: String, Codable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Pattern 1: confirmed/paid upstream, unacknowledged/missing in the ERP.
    case checkoutDisconnect
    /// Pattern 2: fulfilled (with tracking) upstream, pending fulfilment in the ERP.
    case shipmentLag
    /// Pattern 3: return initiated upstream, fulfilled in the ERP.
    case returnDisconnect
    /// Pattern 4: cancelled upstream, fulfilled/processing in the ERP.
    case silentCancellation
    /// Pattern 5: captured upstream, pending payment in the ERP.
    case paymentGap

    /// 1–5, as numbered in the playbook.
    public var number: Int {
        switch self {
        case .checkoutDisconnect: 1
        case .shipmentLag: 2
        case .returnDisconnect: 3
        case .silentCancellation: 4
        case .paymentGap: 5
        }
    }

    /// "Checkout Disconnect", …
    public var title: String {
        switch self {
        case .checkoutDisconnect: "Checkout Disconnect"
        case .shipmentLag: "Shipment Lag"
        case .returnDisconnect: "Return Disconnect"
        case .silentCancellation: "Silent Cancellation"
        case .paymentGap: "Payment Gap"
        }
    }

    /// The remediation the playbook prescribes.
    public var remediation: Remediation {
        switch self {
        case .checkoutDisconnect: .reprocessPayload
        case .shipmentLag: .triggerSync
        case .returnDisconnect: .alignReturnCreditMemo
        case .silentCancellation: .blockFulfilment
        case .paymentGap: .matchPaymentID
        }
    }

    /// Downstream impact, as the playbook describes it.
    public var impact: String {
        switch self {
        case .checkoutDisconnect: "Order is never sent to the warehouse; shipment is delayed."
        case .shipmentLag: "Customer does not receive tracking; support ticket volume rises."
        case .returnDisconnect: "Inventory count is incorrect; refund is not issued in ERP."
        case .silentCancellation: "Cancelled orders are shipped; inventory and shipping costs are lost."
        case .paymentGap: "Finance reports mismatch; order is held in ERP indefinitely."
        }
    }

    public var description: String { "Pattern \(number): \(title)" }
}

/// What to do about a mismatch.
public enum Remediation: String, Codable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Re-process the storefront payload (check the queue).
    case reprocessPayload
    /// Trigger a sync of the order (verify webhook endpoints).
    case triggerSync
    /// Send the return to the ERP as a return authorization / credit memo.
    case alignReturnCreditMemo
    /// Block fulfilment release at the WMS boundary (pre-fulfilment status check).
    case blockFulfilment
    /// Match the payment gateway transaction id with the ERP invoice / deposit.
    case matchPaymentID
    /// No pattern applies: an operator reviews the differing fields.
    case manualReview

    public var description: String {
        switch self {
        case .reprocessPayload: "Re-process storefront payload; check database queue."
        case .triggerSync: "Trigger sync; verify webhook endpoints."
        case .alignReturnCreditMemo: "Align return webhook payload with ERP credit memo."
        case .blockFulfilment: "Block fulfilment: pre-fulfilment status check at the WMS boundary."
        case .matchPaymentID: "Match payment gateway transaction ID with ERP invoice."
        case .manualReview: "Review the differing fields."
        }
    }
}

/// The classifier's verdict.
public enum MismatchClassification: Hashable, Sendable, CustomStringConvertible {
    case inSync
    case pattern(MismatchPattern)
    /// Drift that matches no pattern; `fields` names the differing dimensions.
    case otherDrift(fields: [String])
    /// The statuses agree but the ERP's sales order lines or totals differ from the channel's order
    /// (the seed's manual-edit drift, issue 24): `differences` as "SKU: channel 2, ERP 1", "total … vs …".
    case contentDrift(differences: [String])

    public var description: String {
        switch self {
        case .inSync: "in sync"
        case .pattern(let p): p.description
        case .otherDrift(let fields): "other drift (\(fields.joined(separator: ", ")))"
        case .contentDrift(let differences): "content drift (\(differences.joined(separator: "; ")))"
        }
    }
}

/// A classified comparison of a channel's and the ERP's view of one order.
public struct MismatchReport: Hashable, Sendable, CustomStringConvertible {
    public var key: OrderKey
    public var classification: MismatchClassification
    /// nil when in sync.
    public var remediation: Remediation?
    /// Facts behind the verdict, e.g. `channel payment=captured, ERP status A`.
    public var evidence: [String]
    /// Pattern 5: the channel's capture ids not found on any ERP payment record.
    public var unmatchedPaymentIDs: [String]

    public init(
        key: OrderKey, classification: MismatchClassification, remediation: Remediation?,
        evidence: [String] = [], unmatchedPaymentIDs: [String] = []
    ) {
        self.key = key
        self.classification = classification
        self.remediation = remediation
        self.evidence = evidence
        self.unmatchedPaymentIDs = unmatchedPaymentIDs
    }

    /// The pattern, when one matched.
    public var pattern: MismatchPattern? {
        if case .pattern(let p) = classification { return p }
        return nil
    }

    public var isInSync: Bool { classification == .inSync }

    public var description: String {
        "\(key): \(classification)" + (remediation.map { " → \($0.rawValue)" } ?? "")
            + (evidence.isEmpty ? "" : " [\(evidence.joined(separator: "; "))]")
    }
}
