import OrderModel

/// The orders a run has compared, as 64-bit FNV-1a hashes of their keys (16 bytes or so an order, not
/// the keys themselves): the ERP-side sweep skips the ones the channels' pages brought. A collision
/// (about 3 · 10⁻¹⁰ for 100 000 orders) only skips one ERP-side comparison.
struct SeenOrders: Sendable {
    private var hashes: Set<UInt64> = []

    /// Adds `key`; true when it was not there yet.
    @discardableResult
    mutating func insert(_ key: OrderKey) -> Bool {
        hashes.insert(Self.hash(key)).inserted
    }

    /// How many orders it holds.
    var count: Int { hashes.count }

    static func hash(_ key: OrderKey) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.description.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
