/// The dimensions of an order's status. Each dimension is totally ordered by `rank`, the order in which
/// a real order moves through it; the state machine merges observations by taking the higher rank in
/// each dimension (a join), which is what makes the result independent of delivery order.
public protocol OrderDimension: Codable, Hashable, Sendable, CaseIterable, Comparable,
    RawRepresentable
where RawValue == String {
    /// Position in the dimension's progress order (higher = further along).
    var rank: Int { get }
    /// The dimension's name as used in reports and the mapping file.
    static var dimensionName: String { get }
}

extension OrderDimension {
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
    /// The join of two values: the one further along.
    public func joined(with other: Self) -> Self { other.rank > rank ? other : self }
}

/// Payment progress. `voided` and `expired` end an authorization that was never captured; a later
/// capture (new payment) still moves forward from them.
public enum PaymentStatus: String, OrderDimension {
    case pending, authorized, expired, voided, partiallyPaid, captured, partiallyRefunded, refunded

    public var rank: Int {
        switch self {
        case .pending: 0
        case .authorized: 1
        case .expired: 2
        case .voided: 3
        case .partiallyPaid: 4
        case .captured: 5
        case .partiallyRefunded: 6
        case .refunded: 7
        }
    }
    public static var dimensionName: String { "payment" }

    /// Money has been captured (at least partly), whether or not some was refunded since.
    public var isCapturedOrLater: Bool { rank >= PaymentStatus.partiallyPaid.rank }
}

/// Fulfilment progress. `restocked`: every line was restocked (Shopify, after a cancellation).
public enum FulfillmentStatus: String, OrderDimension {
    case unfulfilled, partial, fulfilled, restocked

    public var rank: Int {
        switch self {
        case .unfulfilled: 0
        case .partial: 1
        case .fulfilled: 2
        case .restocked: 3
        }
    }
    public static var dimensionName: String { "fulfillment" }
}

/// Lifecycle. `closed` = archived/complete; `cancelled` wins over `closed` and is never undone.
public enum LifecycleStatus: String, OrderDimension {
    case open, closed, cancelled

    public var rank: Int {
        switch self {
        case .open: 0
        case .closed: 1
        case .cancelled: 2
        }
    }
    public static var dimensionName: String { "lifecycle" }
}

/// Returns.
public enum ReturnStatus: String, OrderDimension {
    case none, initiated, received

    public var rank: Int {
        switch self {
        case .none: 0
        case .initiated: 1
        case .received: 2
        }
    }
    public static var dimensionName: String { "return" }
}

/// An order's status along every dimension.
public struct OrderDimensions: Codable, Hashable, Sendable, CustomStringConvertible {
    public var payment: PaymentStatus
    public var fulfillment: FulfillmentStatus
    public var lifecycle: LifecycleStatus
    public var returns: ReturnStatus

    /// Creates dimensions; the defaults are a new, unpaid, unfulfilled, open order.
    public init(
        payment: PaymentStatus = .pending,
        fulfillment: FulfillmentStatus = .unfulfilled,
        lifecycle: LifecycleStatus = .open,
        returns: ReturnStatus = .none
    ) {
        self.payment = payment
        self.fulfillment = fulfillment
        self.lifecycle = lifecycle
        self.returns = returns
    }

    /// A new, unpaid, unfulfilled, open order.
    public static let initial = OrderDimensions()

    /// Per-dimension join (each dimension takes the value further along).
    public func joined(with other: OrderDimensions) -> OrderDimensions {
        OrderDimensions(
            payment: payment.joined(with: other.payment),
            fulfillment: fulfillment.joined(with: other.fulfillment),
            lifecycle: lifecycle.joined(with: other.lifecycle),
            returns: returns.joined(with: other.returns))
    }

    /// True when every dimension of `self` is at or behind `other`.
    public func isDominated(by other: OrderDimensions) -> Bool {
        payment <= other.payment && fulfillment <= other.fulfillment
            && lifecycle <= other.lifecycle && returns <= other.returns
    }

    /// The dimensions in which `self` is behind `other`, as `"name: other → self"` descriptions.
    public func regressions(from other: OrderDimensions) -> [String] {
        var out: [String] = []
        func check<D: OrderDimension>(_ mine: D, _ theirs: D) {
            if mine < theirs { out.append("\(D.dimensionName): \(theirs.rawValue) → \(mine.rawValue)") }
        }
        check(payment, other.payment)
        check(fulfillment, other.fulfillment)
        check(lifecycle, other.lifecycle)
        check(returns, other.returns)
        return out
    }

    /// Pattern 4 guard: fulfilment may be released to the warehouse only for an order that is not
    /// cancelled upstream.
    public var allowsFulfilmentRelease: Bool { lifecycle != .cancelled && fulfillment != .restocked }

    /// The canonical state these dimensions describe.
    public var canonicalState: CanonicalState { CanonicalState(self) }

    public var description: String {
        "payment=\(payment.rawValue) fulfillment=\(fulfillment.rawValue) lifecycle=\(lifecycle.rawValue) return=\(returns.rawValue)"
    }

    private enum CodingKeys: String, CodingKey {
        case payment, fulfillment, lifecycle
        case returns = "return"
    }
}
