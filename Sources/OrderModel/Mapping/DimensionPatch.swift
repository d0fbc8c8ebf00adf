/// What one channel value says about an order: some dimensions, not necessarily all.
public struct DimensionPatch: Codable, Hashable, Sendable, CustomStringConvertible {
    public var payment: PaymentStatus?
    public var fulfillment: FulfillmentStatus?
    public var lifecycle: LifecycleStatus?
    public var returns: ReturnStatus?

    public init(
        payment: PaymentStatus? = nil, fulfillment: FulfillmentStatus? = nil,
        lifecycle: LifecycleStatus? = nil, returns: ReturnStatus? = nil
    ) {
        self.payment = payment
        self.fulfillment = fulfillment
        self.lifecycle = lifecycle
        self.returns = returns
    }

    /// True when the patch sets no dimension.
    public var isEmpty: Bool { payment == nil && fulfillment == nil && lifecycle == nil && returns == nil }

    /// Joins the patch into `dimensions` (each set dimension can only move forward).
    public func join(into dimensions: inout OrderDimensions) {
        if let payment { dimensions.payment = dimensions.payment.joined(with: payment) }
        if let fulfillment { dimensions.fulfillment = dimensions.fulfillment.joined(with: fulfillment) }
        if let lifecycle { dimensions.lifecycle = dimensions.lifecycle.joined(with: lifecycle) }
        if let returns { dimensions.returns = dimensions.returns.joined(with: returns) }
    }

    /// The dimensions of a new order with only this patch applied.
    public var appliedToInitial: OrderDimensions {
        var d = OrderDimensions.initial
        join(into: &d)
        return d
    }

    /// `payment=captured fulfillment=…` listing only the dimensions set; `—` when empty.
    public var description: String {
        var parts: [String] = []
        if let payment { parts.append("payment=\(payment.rawValue)") }
        if let fulfillment { parts.append("fulfillment=\(fulfillment.rawValue)") }
        if let lifecycle { parts.append("lifecycle=\(lifecycle.rawValue)") }
        if let returns { parts.append("return=\(returns.rawValue)") }
        return parts.isEmpty ? "—" : parts.joined(separator: " ")
    }
}
