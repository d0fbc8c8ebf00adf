import Foundation
import Synchronization

/// What the ERP said about SKUs the mapping's `content.items` does not map (``ERPSync/lookUpItems(_:refreshing:through:)``):
/// the item's internal id, or that no item has that `itemid` or `externalid`. Found items are kept
/// `positiveTTL` seconds, absent ones `negativeTTL` seconds (an item created later in NetSuite is
/// found once that runs out). One per ``ERPClient``, so per process (dispatch and retry share it).
public final class ERPItemCache: Sendable {
    struct Entry: Sendable {
        /// nil: the ERP has no such item.
        var itemID: String?
        var expires: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let positiveTTL: TimeInterval
    private let negativeTTL: TimeInterval
    private let now: @Sendable () -> Date
    /// Beyond this many SKUs the cache starts again.
    static let maxEntries = 100_000

    public init(positiveTTL: TimeInterval, negativeTTL: TimeInterval, now: @escaping @Sendable () -> Date = { Date() })
    {
        self.positiveTTL = max(0, positiveTTL)
        self.negativeTTL = max(0, negativeTTL)
        self.now = now
    }

    /// The unexpired answer for `sku`: `.some(id)` found, `.some(nil)` known absent, nil unknown.
    func answer(_ sku: String) -> String?? {
        let current = now()
        return entries.withLock { entries in
            guard let entry = entries[sku], entry.expires > current else { return nil }
            return .some(entry.itemID)
        }
    }

    /// Records the answer of a lookup: `found` SKU → item id, `absent` SKUs.
    func record(found: [String: String], absent: [String]) {
        let current = now()
        entries.withLock { entries in
            if entries.count + found.count + absent.count > Self.maxEntries { entries = [:] }
            for (sku, id) in found { entries[sku] = Entry(itemID: id, expires: current + positiveTTL) }
            for sku in absent { entries[sku] = Entry(itemID: nil, expires: current + negativeTTL) }
        }
    }

    /// The unexpired items found, SKU → internal id.
    var items: [String: String] {
        let current = now()
        return entries.withLock { entries in
            var out: [String: String] = [:]
            for (sku, entry) in entries where entry.expires > current {
                if let id = entry.itemID { out[sku] = id }
            }
            return out
        }
    }
}
