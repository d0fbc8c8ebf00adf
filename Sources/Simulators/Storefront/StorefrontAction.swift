/// A merchant or customer action on a storefront order; each produces one or more webhooks.
public enum StorefrontAction: Sendable, Hashable {
    /// Checkout completed (`orders/create`), paid immediately or pending.
    case create(paid: Bool)
    /// Payment captured (`orders/paid` + `orders/updated`, one event id).
    case pay
    /// A merchant edit that changes no status (`orders/updated`).
    case editTags(String)
    /// Some lines shipped (`orders/partially_fulfilled` + `orders/updated`).
    case fulfillPartially
    /// Everything shipped (`orders/fulfilled` + `orders/updated`).
    case fulfill
    /// Cancelled (`orders/cancelled` + `orders/updated`).
    case cancel(reason: String)
    /// Refunded, fully or partially (`orders/updated`).
    case refund(full: Bool)
    /// A status the mapping matrix does not know (for quarantine tests): sets `financial_status` verbatim.
    case setFinancialStatus(String)
}
