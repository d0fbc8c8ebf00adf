/// What an order holds — customer, lines, shipping, addresses, amounts, shipments, refunds, captures —
/// as the channel's newest order body states it, plus the committed edits no body has shown yet.
///
/// Merging is deterministic whatever order the events arrive in (a join): the body with the later
/// `stamp` (its `updated_at`; equal stamps: the greater encoding) wins for everything a body carries;
/// edits are a union by id, and an edit committed at or before the winning body's stamp is dropped
/// (that body already shows it). ``effectiveLines`` applies the remaining edits in `committedAt`
/// order.
public struct OrderContent: Codable, Hashable, Sendable {
    /// The `updated_at` of the body the content comes from; nil when only edits are known.
    public var stamp: ContentStamp?
    /// The channel's order name (`#1013`).
    public var name: String?
    public var currency: String?
    public var customer: OrderCustomer?
    /// The lines as the body states them (current quantities).
    public var lines: [OrderLine]
    public var shippingLines: [OrderShippingLine]
    public var billingAddress: OrderAddress?
    public var shippingAddress: OrderAddress?
    public var totals: OrderTotals
    public var shipments: [OrderShipment]
    public var refunds: [OrderRefund]
    public var captures: [OrderCapture]
    /// Committed edits later than `stamp`, sorted by (committedAt, id).
    public var edits: [OrderEdit]

    public init(
        stamp: ContentStamp?, name: String? = nil, currency: String? = nil, customer: OrderCustomer? = nil,
        lines: [OrderLine] = [], shippingLines: [OrderShippingLine] = [], billingAddress: OrderAddress? = nil,
        shippingAddress: OrderAddress? = nil, totals: OrderTotals = OrderTotals(), shipments: [OrderShipment] = [],
        refunds: [OrderRefund] = [], captures: [OrderCapture] = [], edits: [OrderEdit] = []
    ) {
        self.stamp = stamp
        self.name = name
        self.currency = currency
        self.customer = customer
        self.lines = lines
        self.shippingLines = shippingLines
        self.billingAddress = billingAddress
        self.shippingAddress = shippingAddress
        self.totals = totals
        self.shipments = shipments
        self.refunds = refunds
        self.captures = captures
        self.edits = Self.pruned(edits, after: stamp)
    }

    /// Content known only from one committed edit.
    public init(edit: OrderEdit) {
        self.init(stamp: nil, edits: [edit])
    }

    /// The join of two contents (see the type's documentation).
    public func merged(with other: OrderContent) -> OrderContent {
        var winner = Self.precedes(self, other) ? other : self
        var byID: [String: OrderEdit] = [:]
        for edit in edits + other.edits {
            if let existing = byID[edit.id] { byID[edit.id] = Swift.max(existing, edit) } else { byID[edit.id] = edit }
        }
        winner.edits = Self.pruned(Array(byID.values), after: winner.stamp)
        return winner
    }

    /// Lines after the pending edits, without lines whose quantity is zero, sorted by line id.
    public var effectiveLines: [OrderLine] {
        var out = lines
        for edit in edits { edit.apply(to: &out) }
        return out.filter { $0.quantity > 0 }.sorted { $0.id < $1.id }
    }

    /// False while an edit added a line no body has described (its SKU or price unknown): writing the
    /// lines must wait for the next order body.
    public var isComplete: Bool {
        stamp != nil && effectiveLines.allSatisfy { $0.sku != nil && $0.unitPrice != nil }
    }

    /// The SKUs of the effective lines, sorted, unique.
    public var skus: [String] { Array(Set(effectiveLines.compactMap(\.sku))).sorted() }

    /// A stable digest of what the ERP's lines must say (SKU, quantity, unit price, discount per
    /// line; shipping): FNV-1a 64 over a canonical text, in hex. Equal digests, equal lines.
    public var linesDigest: String {
        var text = ""
        for line in effectiveLines {
            text +=
                "\(line.id)|\(line.sku ?? "?")|\(line.quantity)|\(line.unitPrice?.description ?? "?")|\(line.discount);"
        }
        for shipping in shippingLines { text += "ship|\(shipping.method)|\(shipping.price)|\(shipping.discount);" }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The shipment whose tracking numbers include `trackingNumber`.
    public func shipment(tracking trackingNumber: String) -> OrderShipment? {
        shipments.first { $0.trackingNumbers.contains(trackingNumber) }
    }

    /// The refund with id `id`.
    public func refund(id: String) -> OrderRefund? { refunds.first { $0.id == id } }

    /// The capture with gateway reference `reference`.
    public func capture(reference: String) -> OrderCapture? { captures.first { $0.reference == reference } }

    private static func pruned(_ edits: [OrderEdit], after stamp: ContentStamp?) -> [OrderEdit] {
        edits.filter { edit in stamp.map { edit.committedAt > $0 } ?? true }
            .sorted { ($0.committedAt, $0.id) < ($1.committedAt, $1.id) }
    }

    /// True when `a` loses to `b`: an earlier stamp (nil first), then, for equal stamps, the
    /// smaller description (any fixed total order keeps the merge commutative).
    private static func precedes(_ a: OrderContent, _ b: OrderContent) -> Bool {
        switch (a.stamp, b.stamp) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case (let x?, let y?):
            if x != y { return x < y }
            return String(describing: a.withoutEdits) < String(describing: b.withoutEdits)
        }
    }

    private var withoutEdits: OrderContent {
        var copy = self
        copy.edits = []
        return copy
    }
}

extension OrderEdit: Comparable {
    /// Orders edits of the same id deterministically (a redelivery is the same edit).
    public static func < (lhs: OrderEdit, rhs: OrderEdit) -> Bool {
        if lhs.committedAt != rhs.committedAt { return lhs.committedAt < rhs.committedAt }
        return String(describing: lhs) < String(describing: rhs)
    }
}
