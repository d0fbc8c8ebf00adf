/// The middleware's single source of truth for where an order is ("Step 2: Map the Status Taxonomies").
/// Derived deterministically from `OrderDimensions`; raw values are SCREAMING_SNAKE as in the playbook.
public enum CanonicalState: String, Codable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case pendingPayment = "PENDING_PAYMENT"
    case paymentAuthorized = "PAYMENT_AUTHORIZED"
    case paymentVoided = "PAYMENT_VOIDED"
    case paymentCaptured = "PAYMENT_CAPTURED"
    case partiallyShipped = "PARTIALLY_SHIPPED"
    case shipped = "SHIPPED"
    case returnInitiated = "RETURN_INITIATED"
    case returned = "RETURNED"
    case partiallyRefunded = "PARTIALLY_REFUNDED"
    case refunded = "REFUNDED"
    case cancelled = "CANCELLED"
    case closed = "CLOSED"

    public var description: String { rawValue }

    /// Derives the state, first matching rule wins:
    /// cancelled (or every line restocked) → CANCELLED; refunded → REFUNDED; return received →
    /// RETURNED; return initiated → RETURN_INITIATED; partially refunded → PARTIALLY_REFUNDED;
    /// closed → CLOSED; fulfilled → SHIPPED; partially fulfilled → PARTIALLY_SHIPPED;
    /// captured → PAYMENT_CAPTURED; authorized or partially paid → PAYMENT_AUTHORIZED;
    /// voided or expired → PAYMENT_VOIDED; otherwise PENDING_PAYMENT.
    public init(_ d: OrderDimensions) {
        if d.lifecycle == .cancelled || d.fulfillment == .restocked {
            self = .cancelled
        } else if d.payment == .refunded {
            self = .refunded
        } else if d.returns == .received {
            self = .returned
        } else if d.returns == .initiated {
            self = .returnInitiated
        } else if d.payment == .partiallyRefunded {
            self = .partiallyRefunded
        } else if d.lifecycle == .closed {
            self = .closed
        } else if d.fulfillment == .fulfilled {
            self = .shipped
        } else if d.fulfillment == .partial {
            self = .partiallyShipped
        } else {
            switch d.payment {
            case .captured: self = .paymentCaptured
            case .authorized, .partiallyPaid: self = .paymentAuthorized
            case .voided, .expired: self = .paymentVoided
            case .pending: self = .pendingPayment
            case .partiallyRefunded: self = .partiallyRefunded  // handled above; kept exhaustive
            case .refunded: self = .refunded  // handled above; kept exhaustive
            }
        }
    }

    /// A short explanation for the mapping documentation.
    public var summary: String {
        switch self {
        case .pendingPayment: "Order placed, no payment authorized yet."
        case .paymentAuthorized: "Payment authorized (or partly paid); nothing shipped."
        case .paymentVoided: "Authorization voided or expired without capture; nothing shipped."
        case .paymentCaptured: "Payment captured; nothing shipped yet."
        case .partiallyShipped: "Some lines fulfilled."
        case .shipped: "Every line fulfilled."
        case .returnInitiated: "The customer started a return."
        case .returned: "Returned goods received."
        case .partiallyRefunded: "Part of the payment refunded."
        case .refunded: "The whole payment refunded."
        case .cancelled: "Cancelled upstream; must not be fulfilled."
        case .closed: "Complete and archived."
        }
    }
}
