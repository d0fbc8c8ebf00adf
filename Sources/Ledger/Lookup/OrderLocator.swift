import Foundation

/// Finds an order by any of its ids: its order key (`shopify:1001`), the channel's order id
/// (`1001`, an Amazon order id), the Shopify order name (`#1013`), a tracking number, a payment
/// transaction id, an event or trace id. Shared by the operations console and `driftless trace`.
public struct OrderLocator: Sendable {
    let store: any LedgerStore
    /// The channels a bare order id is tried on.
    let channels: [String]

    /// A locator over `store` (mentions are searched when it is an ``OrderMentionStore``).
    public init(store: any LedgerStore, channels: [String] = ["shopify", "amazon"]) {
        self.store = store
        self.channels = channels
    }

    /// The order keys `identifier` names, sorted (empty when none).
    public func orderKeys(for identifier: String, limit: Int = 20) async throws -> [String] {
        let id = identifier.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !id.isEmpty else { return [] }
        var found = Set<String>()
        if id.contains(":"), try await exists(id) { found.insert(id) }
        if !id.contains(":") {
            for channel in channels where try await exists("\(channel):\(id)") { found.insert("\(channel):\(id)") }
        }
        if let mentions = store as? any OrderMentionStore {
            found.formUnion(try await mentions.orderKeys(mentioning: id, limit: limit))
            // `1013` may be the name `#1013` typed without its sign.
            if id.allSatisfy(\.isNumber) {
                found.formUnion(try await mentions.orderKeys(mentioning: "#" + id, limit: limit))
            }
        }
        return Array(found.sorted().prefix(limit))
    }

    private func exists(_ key: String) async throws -> Bool {
        if try await !store.loadStates(orders: [key]).isEmpty { return true }
        return try await !store.timeline(order: key).isEmpty
    }
}
