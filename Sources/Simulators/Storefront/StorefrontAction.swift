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
    /// Support adds a replacement item after checkout through Shopify's order editing
    /// (`orders/edited` with the line's addition, then `orders/updated` with the edited order). The
    /// storefront refuses it once everything is shipped (only unfulfilled lines can be edited).
    case addReplacementItem
    /// A status the mapping matrix does not know (for quarantine tests): sets `financial_status` verbatim.
    case setFinancialStatus(String)
}
