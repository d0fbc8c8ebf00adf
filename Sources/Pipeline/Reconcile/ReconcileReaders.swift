import Foundation
import Logging

/// The channel readers a configuration names: the storefront's GraphQL Admin API (`reconcile.shopify`)
/// and the marketplace's getOrders (`poller:`). Shared by `driftless reconcile` and `driftless run`.
public enum ReconcileReaders {
    /// The readers; empty when neither channel's read API is configured. `marketplace`: the SP-API
    /// token and pacer this process already uses for its poller (nil: this process's own).
    public static func channels(
        pipeline: PipelineConfiguration, stats: ReconcileAPIStats, marketplace: MarketplaceAccess? = nil,
        logger: Logger
    ) throws -> [any ChannelOrderReader] {
        var channels: [any ChannelOrderReader] = []
        if let shopify = pipeline.reconcile.shopify {
            channels.append(try ShopifyOrdersReader(configuration: shopify, stats: stats))
        }
        if let poller = pipeline.poller {
            // The poller's LWA credentials (poller.lwa) and getOrders usage plan.
            let access = marketplace ?? MarketplaceAccess(poller: poller, lwa: pipeline.amazonLWA, logger: logger)
            channels.append(
                MarketplaceOrdersReader(
                    baseURL: poller.baseURL, marketplaceID: poller.marketplaceID, pageSize: poller.pageSize,
                    maxWaitSeconds: poller.maxBackoffSeconds, stats: stats,
                    tokens: access.tokens, pacer: access.pacer, orderItems: poller.orderItems ? poller : nil,
                    orderItemsFrom: access))
        }
        return channels
    }

    /// Whether plain `driftless run` should run the schedule: `reconcile.inRun` when set, else when a
    /// channel's read API and the ERP are configured.
    public static func runsInPipeline(_ pipeline: PipelineConfiguration) -> Bool {
        pipeline.reconcile.inRun
            ?? (pipeline.erp != nil && (pipeline.reconcile.shopify != nil || pipeline.poller != nil))
    }
}
