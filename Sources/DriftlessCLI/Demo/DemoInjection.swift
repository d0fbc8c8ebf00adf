import OrderModel

/// One fault the demo injects, the orders it hit, and what the pipeline should make of it.
struct DemoInjection: Sendable {
    /// The faults, each leading to one of the playbook's patterns (or, for an unknown status, to
    /// quarantine → mapping fix → replay).
    enum Kind: String, CaseIterable, Sendable {
        case droppedCheckout
        case droppedShipment
        case manualReturn
        case cancelAfterRelease
        case paymentIDMismatch
        case unknownStatus

        /// The pattern reconciliation should find (nil: caught at the boundary instead).
        var pattern: MismatchPattern? {
            switch self {
            case .droppedCheckout: .checkoutDisconnect
            case .droppedShipment: .shipmentLag
            case .manualReturn: .returnDisconnect
            case .cancelAfterRelease: .silentCancellation
            case .paymentIDMismatch: .paymentGap
            case .unknownStatus: nil
            }
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
            }
        }
    }

    var kind: Kind
    /// Order keys (`shopify:<id>`).
    var orderKeys: [String]
}
