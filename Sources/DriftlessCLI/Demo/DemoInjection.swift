import DriftlessOperations
import OrderModel

/// One fault the demo injects, the orders it hit, and what the pipeline should make of it.
struct DemoInjection: Sendable {
    /// The faults, each leading to one of the playbook's patterns (or, for an unknown status, to
    /// quarantine → mapping fix → replay; for a manual edit, to content drift).
    enum Kind: String, CaseIterable, Sendable {
        case droppedCheckout
        case droppedShipment
        case manualReturn
        case cancelAfterRelease
        case paymentIDMismatch
        case unknownStatus
        /// Support adds a replacement item on the storefront (order editing); its webhooks are lost.
        case manualEdit

        /// The pattern reconciliation should find (nil: caught at the boundary instead).
        var pattern: MismatchPattern? {
            switch self {
            case .droppedCheckout: .checkoutDisconnect
            case .droppedShipment: .shipmentLag
            case .manualReturn: .returnDisconnect
            case .cancelAfterRelease: .silentCancellation
            case .paymentIDMismatch: .paymentGap
            case .unknownStatus, .manualEdit: nil
            }
        }

        /// The finding's classification name reconciliation should record (nil: caught at the
        /// boundary instead).
        var findingName: String? {
            if self == .manualEdit { return ReconcilePolicy.contentDriftName }
            return pattern.map { ReconcilePolicy.name(of: $0) }
        }

        /// The report's label.
        var title: String {
            if let pattern { return "Pattern \(pattern.number) \(pattern.title)" }
            return self == .manualEdit ? "Content drift" : "Unknown status"
        }

        /// What was done to the channel, in a few words.
        var fault: String {
            switch self {
            case .droppedCheckout: "checkout webhooks never delivered"
            case .droppedShipment: "shipment webhook dropped"
            case .manualReturn: "return entered by hand in the storefront admin"
            case .cancelAfterRelease: "cancelled upstream after fulfilment release, webhook lost"
            case .paymentIDMismatch: "payment re-captured by hand under a new charge id"
            case .unknownStatus: "financial_status \"\(DemoMapping.unknownStatus)\" the mapping lacks"
            case .manualEdit: "replacement item added by support, webhooks lost"
            }
        }
    }

    var kind: Kind
    /// Order keys (`shopify:<id>`).
    var orderKeys: [String]
}
