import AsyncHTTPClient
import Logging

/// What every SP-API caller of one process shares: the LWA access token (one grant, refreshed once)
/// and the pacer of the getOrders usage plan, so the poller and the in-process reconciliation
/// together stay within the plan the seller's application has; with `poller.orderItems`, one
/// getOrderItems reader (its own plan, its answers kept per order version), so reconciliation reads
/// no items the poller has read already.
public struct MarketplaceAccess: Sendable {
    /// The LWA token provider; nil when no LWA credentials are configured (a simulator without auth).
    public let tokens: LWATokenProvider?
    /// The getOrders pacer (rate and burst of `poller:`).
    public let pacer: RequestPacer
    /// The getOrderItems pacer (that operation's own plan: `poller.order_items_rate_limit_*`).
    public let itemsPacer: RequestPacer
    /// The getOrderItems reader (nil with `poller.orderItems` off), paced by ``itemsPacer``.
    let orderItems: OrderItemsReader?

    /// Creates the shared access of `poller` with the LWA credentials `lwa`.
    public init(poller: PollerConfiguration, lwa: LWAConfiguration?, logger: Logger) {
        tokens = lwa.map { LWATokenProvider(configuration: $0, logger: logger) }
        pacer = RequestPacer(rate: poller.rateLimitPerSecond, burst: poller.rateLimitBurst)
        itemsPacer = RequestPacer(rate: poller.orderItemsRateLimitPerSecond, burst: poller.orderItemsRateLimitBurst)
        orderItems =
            poller.orderItems
            ? OrderItemsReader(
                configuration: poller, client: .shared, tokens: tokens, pacer: itemsPacer, logger: logger)
            : nil
    }
}
