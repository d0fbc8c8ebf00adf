/// NetSuite-style sales order status codes.
public enum ERPStatusCode: String, Codable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case pendingApproval = "A"
    case pendingFulfillment = "B"
    case cancelled = "C"
    case partiallyFulfilled = "D"
    case pendingBillingPartiallyFulfilled = "E"
    case pendingBilling = "F"
    case billed = "G"
    case closed = "H"

    /// The status name NetSuite shows.
    public var name: String {
        switch self {
        case .pendingApproval: "Pending Approval"
        case .pendingFulfillment: "Pending Fulfillment"
        case .cancelled: "Cancelled"
        case .partiallyFulfilled: "Partially Fulfilled"
        case .pendingBillingPartiallyFulfilled: "Pending Billing/Partially Fulfilled"
        case .pendingBilling: "Pending Billing"
        case .billed: "Billed"
        case .closed: "Closed"
        }
    }

    /// `"B Pending Fulfillment"`.
    public var description: String { "\(rawValue) \(name)" }
}

/// NetSuite-style records related to a sales order.
public enum ERPRecordType: String, Codable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case salesOrder
    case itemFulfillment
    case invoice
    case cashSale
    case customerDeposit
    case returnAuthorization
    case creditMemo

    /// The record's name as NetSuite shows it.
    public var name: String {
        switch self {
        case .salesOrder: "Sales Order"
        case .itemFulfillment: "Item Fulfillment"
        case .invoice: "Invoice"
        case .cashSale: "Cash Sale"
        case .customerDeposit: "Customer Deposit"
        case .returnAuthorization: "Return Authorization"
        case .creditMemo: "Credit Memo"
        }
    }

    /// Records that carry a payment reference (Pattern 5 matching).
    public var carriesPayment: Bool { self == .invoice || self == .cashSale || self == .customerDeposit }

    public var description: String { name }
}

/// What the ERP should do when an order reaches a canonical state.
public enum ERPRecordAction: String, Codable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Create the sales order, awaiting approval (status A).
    case salesOrderCreated
    /// Approve the sales order for fulfilment (status B).
    case salesOrderApproved
    /// Put the sales order on hold (payment failed or expired).
    case salesOrderHeld
    /// Record the captured payment: Customer Deposit, Cash Sale or Invoice with the gateway reference.
    case invoiceOrDepositCreated
    /// Create an Item Fulfillment (with tracking).
    case itemFulfillmentCreated
    /// Create a Return Authorization.
    case returnAuthorizationCreated
    /// Create a Credit Memo (refund).
    case creditMemoCreated
    /// Close (or cancel) the sales order.
    case orderClosed

    /// The record the action creates or changes.
    public var record: ERPRecordType {
        switch self {
        case .salesOrderCreated, .salesOrderApproved, .salesOrderHeld, .orderClosed: .salesOrder
        case .invoiceOrDepositCreated: .customerDeposit
        case .itemFulfillmentCreated: .itemFulfillment
        case .returnAuthorizationCreated: .returnAuthorization
        case .creditMemoCreated: .creditMemo
        }
    }

    /// Human-readable, as in the playbook's "ERP Target Status" column.
    public var summary: String {
        switch self {
        case .salesOrderCreated: "Sales Order Created"
        case .salesOrderApproved: "Sales Order Approved"
        case .salesOrderHeld: "Sales Order Held"
        case .invoiceOrDepositCreated: "Invoice / Customer Deposit Created"
        case .itemFulfillmentCreated: "Item Fulfillment Created"
        case .returnAuthorizationCreated: "Return Authorization Created"
        case .creditMemoCreated: "Credit Memo Created"
        case .orderClosed: "Order Closed"
        }
    }

    public var description: String { rawValue }
}

/// The ERP status and record action a canonical state maps to.
public struct ERPTarget: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Expected sales order status.
    public var status: ERPStatusCode
    /// What the ERP must do.
    public var action: ERPRecordAction

    public init(status: ERPStatusCode, action: ERPRecordAction) {
        self.status = status
        self.action = action
    }

    public var description: String { "\(status) — \(action.summary)" }
}
