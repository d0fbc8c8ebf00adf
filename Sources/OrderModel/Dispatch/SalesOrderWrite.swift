/// How a sales order status is made in NetSuite (domain facts, "How the REST record API really
/// behaves"): only `orderStatus` A (Pending Approval) or B (Pending Fulfillment) is written; the
/// later statuses D–G follow from item fulfilments and billing; cancelling and closing are record
/// actions (`@cancel`, `@close`). Pure.
public enum SalesOrderWrite: Hashable, Sendable {
    /// Write `orderStatus` (A or B).
    case orderStatus(ERPStatusCode)
    /// `POST …/salesOrder/{id}/@cancel`.
    case cancel
    /// `POST …/salesOrder/{id}/@close`.
    case close

    /// The write that makes the ERP show (or head towards) `status`: A → `orderStatus` A, C →
    /// cancel, H → close, everything else → `orderStatus` B (approved; fulfilments and billing
    /// move it on).
    public init(for status: ERPStatusCode) {
        switch status {
        case .pendingApproval: self = .orderStatus(.pendingApproval)
        case .cancelled: self = .cancel
        case .closed: self = .close
        default: self = .orderStatus(.pendingFulfillment)
        }
    }

    /// Whether a sales order showing `shown` needs nothing of this write. A cancelled or closed order
    /// is never reopened (nor a closed one cancelled: NetSuite refuses it), and an order fulfilled or
    /// billed is never sent back to approval.
    public func isSatisfied(by shown: ERPStatusCode) -> Bool {
        switch self {
        case .cancel, .close: shown == .cancelled || shown == .closed
        case .orderStatus(let status):
            switch shown {
            case .pendingApproval, .pendingFulfillment: shown == status
            default: true
            }
        }
    }

    /// The status the ERP shows after this write on an order showing `shown` (nil: a new order).
    public func shown(after shown: ERPStatusCode?) -> ERPStatusCode {
        switch self {
        case .cancel: return shown == .closed ? .closed : .cancelled
        case .close: return shown == .cancelled ? .cancelled : .closed
        case .orderStatus(let status):
            switch shown {
            case nil, .pendingApproval?, .pendingFulfillment?: return status
            case let other?: return other
            }
        }
    }
}
