import Foundation
import OrderModel

extension MarketplaceOrdersReader: ChannelOrderLookup {
    public var channel: Channel { .amazon }
    /// getOrders takes at most 50 `AmazonOrderIds`.
    public var lookupBatch: Int { 50 }

    /// getOrders with `AmazonOrderIds` (SP-API: the time filters are then not needed), under the same
    /// rate limit and credentials as the pages.
    public func orders(ids: [String]) async throws -> [ChannelOrderSnapshot] {
        guard !ids.isEmpty else { return [] }
        var result: [ChannelOrderSnapshot] = []
        var query = "MarketplaceIds=\(SPAPIQuery.escape(marketplaceID))"
        query += "&AmazonOrderIds=\(ids.prefix(lookupBatch).map(SPAPIQuery.escape).joined(separator: ","))"
        var next: String?
        repeat {
            let page = try snapshots(
                try await getOrders(
                    next.map { "MarketplaceIds=\(SPAPIQuery.escape(marketplaceID))&NextToken=\(SPAPIQuery.escape($0))" }
                        ?? query))
            result += page.orders
            next = page.next
        } while next != nil
        return result
    }
}
