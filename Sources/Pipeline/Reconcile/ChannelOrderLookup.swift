import Foundation
import OrderModel

/// A channel's read API asked for given orders by id: what reconciliation's ERP-side sweep uses to
/// fetch the channel's current truth of orders that changed only in the ERP.
public protocol ChannelOrderLookup: Sendable {
    /// The channel whose order ids it reads.
    var channel: Channel { get }
    /// How many ids one call may ask for.
    var lookupBatch: Int { get }
    /// The orders with `ids` (at most ``lookupBatch``) as the channel shows them now; ids the channel
    /// does not know are left out.
    func orders(ids: [String]) async throws -> [ChannelOrderSnapshot]
}

extension ShopifyOrdersReader: ChannelOrderLookup {
    public var channel: Channel { .shopify }
    public var lookupBatch: Int { 50 }

    /// The GraphQL `orders` query with the search `id:<a> OR id:<b> …` (numeric ids only; others are
    /// not Shopify orders and are left out), continued while it has a next page.
    public func orders(ids: [String]) async throws -> [ChannelOrderSnapshot] {
        let numeric = ids.filter { Int64($0) != nil }
        guard !numeric.isEmpty else { return [] }
        let search = numeric.map { "id:\($0)" }.joined(separator: " OR ")
        var result: [ChannelOrderSnapshot] = []
        var cursor: String?
        repeat {
            let page = try await page(search: search, first: min(250, numeric.count), after: cursor)
            result += page.orders
            cursor = page.next
        } while cursor != nil
        return result
    }
}
