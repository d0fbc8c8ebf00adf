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

    public init(
        trackingNumbers: [String] = [],
        captureTransactionIDs: [String] = [],
        refundIDs: [String] = [],
        cancelledAt: Date? = nil,
        cancelReason: String? = nil
    ) {
        self.trackingNumbers = Self.normalized(trackingNumbers)
        self.captureTransactionIDs = Self.normalized(captureTransactionIDs)
        self.refundIDs = Self.normalized(refundIDs)
        self.cancelledAt = cancelledAt
        self.cancelReason = cancelReason
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
        return out
    }

    private static func cancellationPrecedes(_ a: OrderFacts, _ b: OrderFacts) -> Bool {
        let ta = a.cancelledAt ?? .distantPast, tb = b.cancelledAt ?? .distantPast
        if ta != tb { return ta < tb }
        return (a.cancelReason ?? "") < (b.cancelReason ?? "")
    }

    private static func normalized(_ values: [String]) -> [String] {
        Array(Set(values.filter { !$0.isEmpty })).sorted()
    }

    private static func union(_ a: [String], _ b: [String]) -> [String] {
        if b.isEmpty { return a }
        if a.isEmpty { return b }
        return Array(Set(a).union(b)).sorted()
    }
}
