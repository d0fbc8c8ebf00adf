import DriftlessOperations
import Foundation
import Simulators

/// One storefront order's life in the demo: the changes made to it, the webhooks they send (or that
/// are lost) and the captures it ever had. Payments carry a capture transaction (its gateway charge id
/// is what the ERP's deposit must reference).
struct DemoLifecycle {
    let store: StorefrontStore
    private(set) var id: Int64 = 0
    private(set) var sent: [WebhookDelivery] = []
    private(set) var dropped = 0
    private(set) var captures: Set<String> = []

    init(store: StorefrontStore) {
        self.store = store
    }

    /// Checkout (pending payment).
    mutating func create() async throws -> Int64 {
        let (id, webhooks) = await store.createOrder(paid: false)
        self.id = id
        sent += webhooks
        return id
    }

    /// A typical life: stays pending, is paid only, cancelled and refunded, shipped and partly
    /// refunded, or shipped in two parts (`choice` 0–9).
    mutating func normal(choice: UInt64) async throws {
        switch choice {
        case 0:
            return
        case 1:
            try await pay()
        case 2:
            try await pay()
            try await act(.editTags("gift"))
            try await act(.cancel(reason: "customer"))
            try await act(.refund(full: true))
        case 3, 4:
            try await pay()
            try await act(.fulfill)
            try await act(.refund(full: false))
        default:
            try await pay()
            try await act(.editTags("priority"))
            try await act(.fulfillPartially)
            try await act(.fulfill)
            try await act(.editTags("delivered"))
        }
    }

    /// The life of an order hit by `kind`.
    mutating func inject(_ kind: DemoInjection.Kind) async throws {
        switch kind {
        case .droppedCheckout:
            dropped += sent.count
            sent = []
            try await pay(lost: true)
        case .droppedShipment:
            try await pay()
            try await act(.fulfill, lost: true)
        case .manualReturn:
            try await pay()
            try await act(.fulfill)
            try await store.edit(id) { $0.returnStatus = "RETURN_REQUESTED" }
        case .cancelAfterRelease:
            try await pay()
            try await act(.cancel(reason: "customer"), lost: true)
        case .paymentIDMismatch:
            // The checkout only authorized the card (no capture the integration could see); the
            // payment was then captured by hand in the gateway under a new charge id and shows on the
            // order with no webhook. Shopify never rewrites a transaction, so nothing the ERP already
            // holds becomes wrong: the ERP simply has no payment carrying the capture's id (Pattern 5).
            let id = self.id
            try await store.edit(id) { order in
                order.transactions = [
                    .init(
                        id: id * 7, kind: "authorization", status: "success", gateway: "stripe",
                        authorization: "ch_\(id)", amount: order.totalPrice)
                ]
            }
            try await act(.pay)
            let reference = "ch_\(id)_recaptured"
            try await store.edit(id) { order in
                var transactions = order.transactions ?? []
                transactions.append(
                    .init(
                        id: id * 7 + 1, kind: "capture", status: "success", gateway: "stripe",
                        authorization: reference, amount: order.totalPrice))
                order.transactions = transactions
            }
            captures.insert(reference)
        case .unknownStatus:
            try await act(.setFinancialStatus(DemoMapping.unknownStatus))
        case .manualEdit:
            // The seed's fourth root cause: support adds a replacement item after checkout; neither
            // orders/edited nor orders/updated reaches Driftless, and nothing is shipped yet.
            try await pay()
            try await act(.addReplacementItem, lost: true)
        }
    }

    /// The payment: a capture transaction (entered with the payment), then `orders/paid`.
    private mutating func pay(lost: Bool = false) async throws {
        let id = self.id
        let reference = "ch_\(id)"
        try await store.edit(id) { order in
            order.transactions = [
                .init(
                    id: id * 7, kind: "capture", status: "success", gateway: "stripe", authorization: reference,
                    amount: order.totalPrice)
            ]
        }
        captures.insert(reference)
        try await act(.pay, lost: lost)
    }

    private mutating func act(_ action: StorefrontAction, lost: Bool = false) async throws {
        let webhooks = try await store.apply(action, to: id)
        if lost { dropped += webhooks.count } else { sent += webhooks }
    }
}
