import Foundation
import OrderModel

/// A channel's read API as reconciliation pages through it: orders updated in [since, until], one page
/// per call, continued by an opaque cursor (Shopify's `endCursor`, Amazon's `NextToken`), in
/// last-update order where the API allows it.
public protocol ChannelOrderReader: Sendable {
    /// The system name in stats, errors and checkpoints (`storefront`, `marketplace`).
    var system: String { get }
    /// One page: the snapshots and the cursor of the next page (nil: the last page).
    func page(since: Date, until: Date, cursor: String?) async throws -> (orders: [ChannelOrderSnapshot], next: String?)
}

extension ShopifyOrdersReader: ChannelOrderReader {
    public var system: String { Self.system }

    public func page(
        since: Date, until: Date, cursor: String?
    ) async throws -> (orders: [ChannelOrderSnapshot], next: String?) {
        try await page(since: since, after: cursor)
    }
}
