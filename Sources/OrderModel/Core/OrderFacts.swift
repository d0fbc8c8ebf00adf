import Foundation

/// Raw facts about an order that later stages need (ERP dispatch, Pattern 5 matching, reconciliation).
/// Merging is a join too: sets are unions (kept sorted), the cancellation keeps the latest.
public struct OrderFacts: Codable, Hashable, Sendable {
    /// Carrier tracking numbers of fulfilments, sorted, unique.
    public var trackingNumbers: [String]
    /// Payment gateway ids of successful captures/sales (e.g. Stripe `ch_…`/`pi_…`), sorted, unique.
    public var captureTransactionIDs: [String]
    /// Ids of refunds, sorted, unique.
    public var refundIDs: [String]
    /// When the channel cancelled the order.
    public var cancelledAt: Date?
    /// Why (Shopify: customer, declined, fraud, inventory, other, staff).
    public var cancelReason: String?
    /// What the order holds (customer, lines, amounts, …), when the channel's payload carries it.
    /// Merges as ``OrderContent/merged(with:)`` (the newest body wins, edits are a union).
    public var content: OrderContent?

    public init(
        trackingNumbers: [String] = [],
        captureTransactionIDs: [String] = [],
        refundIDs: [String] = [],
        cancelledAt: Date? = nil,
        cancelReason: String? = nil,
        content: OrderContent? = nil
    ) {
        self.trackingNumbers = Self.normalized(trackingNumbers)
        self.captureTransactionIDs = Self.normalized(captureTransactionIDs)
        self.refundIDs = Self.normalized(refundIDs)
        self.cancelledAt = cancelledAt
        self.cancelReason = cancelReason
        self.content = content
    }

    /// No facts.
    public static let none = OrderFacts()

    /// Union of the sets; the cancellation with the later `cancelledAt` (then the greater reason) wins.
    public func merged(with other: OrderFacts) -> OrderFacts {
        var out = OrderFacts()
        out.trackingNumbers = Self.union(trackingNumbers, other.trackingNumbers)
        out.captureTransactionIDs = Self.union(captureTransactionIDs, other.captureTransactionIDs)
        out.refundIDs = Self.union(refundIDs, other.refundIDs)
        if Self.cancellationPrecedes(self, other) {
            out.cancelledAt = other.cancelledAt
            out.cancelReason = other.cancelReason
        } else {
            out.cancelledAt = cancelledAt
            out.cancelReason = cancelReason
        }
        switch (content, other.content) {
        case (let a?, let b?): out.content = a.merged(with: b)
        case (let a, let b): out.content = a ?? b
        }
        return out
    }

    private static func cancellationPrecedes(_ a: OrderFacts, _ b: OrderFacts) -> Bool {
        let ta = a.cancelledAt ?? .distantPast
        let tb = b.cancelledAt ?? .distantPast
        if ta != tb { return ta < tb }
        return (a.cancelReason ?? "") < (b.cancelReason ?? "")
    }

    private static func normalized(_ values: [String]) -> [String] {
        // Usually zero or one value, or already sorted: no set, no sort (this runs for every event).
        if isNormalized(values) { return values }
        return Array(Set(values.filter { !$0.isEmpty })).sorted()
    }

    private static func union(_ a: [String], _ b: [String]) -> [String] {
        if b.isEmpty { return a }
        if a.isEmpty { return b }
        guard isNormalized(a), isNormalized(b) else { return Array(Set(a).union(b)).sorted() }
        // Both sorted and unique: merge.
        var out: [String] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0
        var j = 0
        while i < a.count, j < b.count {
            if a[i] < b[j] {
                out.append(a[i])
                i += 1
            } else if b[j] < a[i] {
                out.append(b[j])
                j += 1
            } else {
                out.append(a[i])
                i += 1
                j += 1
            }
        }
        out.append(contentsOf: a[i...])
        out.append(contentsOf: b[j...])
        return out
    }

    /// Strictly ascending and without empty strings (what `normalized` returns).
    private static func isNormalized(_ values: [String]) -> Bool {
        guard let first = values.first else { return true }
        if first.isEmpty { return false }
        var previous = first
        for value in values.dropFirst() {
            guard previous < value else { return false }
            previous = value
        }
        return true
    }
}
