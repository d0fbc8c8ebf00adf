/// A channel field whose values the mapping matrix translates, with the values it must map.
public struct MappingField: Hashable, Sendable, CustomStringConvertible {
    public var channel: Channel
    /// The field's name in the mapping file, e.g. `financial_status`.
    public var name: String
    /// Values every matrix must map (the vendors' documented values). Matrices may map more.
    public var requiredValues: [String]
    /// What the field is, for the documentation.
    public var summary: String

    public var description: String { "\(channel.rawValue).\(name)" }

    public static let shopifyFinancialStatus = MappingField(
        channel: .shopify, name: "financial_status",
        requiredValues: [
            "pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded",
            "voided", "expired",
        ],
        summary: "Order `financial_status` (GraphQL adds EXPIRED).")
    public static let shopifyFulfillmentStatus = MappingField(
        channel: .shopify, name: "fulfillment_status",
        requiredValues: ["null", "partial", "fulfilled", "restocked"],
        summary: "Order `fulfillment_status`; `null` means unfulfilled.")
    public static let shopifyCancelReason = MappingField(
        channel: .shopify, name: "cancel_reason",
        requiredValues: ["customer", "declined", "fraud", "inventory", "other", "staff"],
        summary: "`cancel_reason` of an order with `cancelled_at` set.")
    public static let shopifyReturnStatus = MappingField(
        channel: .shopify, name: "return_status",
        requiredValues: [
            "NO_RETURN", "RETURN_REQUESTED", "IN_PROGRESS", "INSPECTION_COMPLETE", "RETURNED",
            "RETURN_FAILED",
        ],
        summary: "Return status (GraphQL `returnStatus`), when the payload carries `return_status`.")
    public static let shopifyRefundRestockType = MappingField(
        channel: .shopify, name: "refund_restock_type",
        requiredValues: ["no_restock", "cancel", "return", "legacy_restock"],
        summary: "`refunds[].refund_line_items[].restock_type`.")
    public static let amazonOrderStatus = MappingField(
        channel: .amazon, name: "order_status",
        requiredValues: [
            "Pending", "Unshipped", "PartiallyShipped", "Shipped", "Canceled", "Unfulfillable",
            "InvoiceUnconfirmed", "PendingAvailability",
        ],
        summary: "SP-API `OrderStatus`.")
    public static let erpSalesOrderStatus = MappingField(
        channel: .erp, name: "sales_order_status",
        requiredValues: ERPStatusCode.allCases.map(\.rawValue),
        summary: "NetSuite-style sales order status code.")
    public static let erpRelatedRecord = MappingField(
        channel: .erp, name: "related_record",
        requiredValues: ERPRecordType.allCases.filter { $0 != .salesOrder }.map(\.rawValue),
        summary: "Records linked to the sales order; `type:Status` entries refine by status.")

    /// Every field, in documentation order.
    public static let all: [MappingField] = [
        .shopifyFinancialStatus, .shopifyFulfillmentStatus, .shopifyCancelReason, .shopifyReturnStatus,
        .shopifyRefundRestockType, .amazonOrderStatus, .erpSalesOrderStatus, .erpRelatedRecord,
    ]

    /// Looks a field up by channel and name.
    public static func named(_ name: String, channel: Channel) -> MappingField? {
        all.first { $0.channel == channel && $0.name == name }
    }
}
