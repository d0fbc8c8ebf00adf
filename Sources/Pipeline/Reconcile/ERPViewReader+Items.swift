import Foundation
import OrderModel

extension ERPViewReader {
    /// The items the ERP has for `skus`, found by `itemid` or `externalid` through SuiteQL — the
    /// lookup dispatch makes (``ERPSync/lookUpItems(_:refreshing:through:)``: one query per 200 SKUs
    /// the mapping does not map, whatever the cache holds) — as SKU → internal id, and the SKUs found
    /// nowhere. `driftless mapping check` asks it about the SKUs of recorded payloads.
    /// - Throws: ``ReconcileReadError`` when a read gave up.
    public func items(for skus: Set<String>) async throws -> (found: [String: String], unknown: [String]) {
        switch await sync.lookUpItems(skus, refreshing: skus, through: { read in await send(read) }) {
        case .failed(let outcome): throw Self.error(outcome)
        case .unknown(let unknown):
            let mapped = sync.client.configuredContent.items
            let cached = sync.client.itemCache.items
            var found: [String: String] = [:]
            for sku in skus where mapped[sku] == nil { found[sku] = cached[sku] }
            return (found, unknown)
        }
    }
}
