import Foundation
import JSONText

/// The fast path of `ShopifyOrder.decode`: one pass over the bytes with `JSONByteReader`, reading only
/// the fields `ShopifyOrder` has and skipping (validated, never materialised) everything else.
///
/// It gives the same `ShopifyOrder` as `JSONDecoder` with `ShopifyOrder.init(from:)` or nil —
/// "decode it the slow way" — for anything else: malformed or unusual JSON (see `JSONByteReader`),
/// missing required fields, wrong types, ids that are not plain `Int64` numbers or non-empty strings,
/// bad timestamps. Errors therefore always come from `JSONDecoder`, with its paths and messages.
/// Duplicate keys keep their first occurrence, as `JSONDecoder` does.
enum ShopifyOrderReader {
    typealias Unhandled = JSONByteReader.Unhandled

    /// The order, or nil when the body needs `JSONDecoder`.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> ShopifyOrder? {
        var reader = JSONByteReader(bytes)
        do {
            let order = try readOrder(&reader)
            try reader.expectEnd()
            return order
        } catch {
            return nil
        }
    }

    private enum OrderField: Int, JSONKeySet {
        case id, name, createdAt, updatedAt, financialStatus, fulfillmentStatus, cancelledAt, cancelReason
        case closedAt, returnStatus, currency, totalPrice, fulfillments, refunds, transactions

        static let lookup = JSONKeyLookup<OrderField>([
            ("id", .id), ("name", .name), ("created_at", .createdAt), ("updated_at", .updatedAt),
            ("financial_status", .financialStatus), ("fulfillment_status", .fulfillmentStatus),
            ("cancelled_at", .cancelledAt), ("cancel_reason", .cancelReason), ("closed_at", .closedAt),
            ("return_status", .returnStatus), ("currency", .currency), ("total_price", .totalPrice),
            ("fulfillments", .fulfillments), ("refunds", .refunds), ("transactions", .transactions),
        ])
    }

    private static func readOrder(_ r: inout JSONByteReader) throws(Unhandled) -> ShopifyOrder {
        var id: String?
        var name: String?
        var createdAt: Date?
        var updatedAt: Date?
        var financialStatus: String?
        var fulfillmentStatus: String?
        var cancelledAt: Date?
        var cancelReason: String?
        var closedAt: Date?
        var returnStatus: String?
        var currency: String?
        var totalPrice: String?
        var fulfillments: [ShopifyOrder.Fulfillment]?
        var refunds: [ShopifyOrder.Refund]?
        var transactions: [ShopifyOrder.Transaction]?
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: OrderField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .id: id = try r.readID()
            case .name: name = try r.readOptionalString()
            case .createdAt: createdAt = try r.readOptionalTimestamp()
            case .updatedAt: updatedAt = try r.readTimestamp()
            case .financialStatus: financialStatus = try r.readString()
            case .fulfillmentStatus: fulfillmentStatus = try r.readOptionalString()
            case .cancelledAt: cancelledAt = try r.readOptionalTimestamp()
            case .cancelReason: cancelReason = try r.readOptionalString()
            case .closedAt: closedAt = try r.readOptionalTimestamp()
            case .returnStatus: returnStatus = try r.readOptionalString()
            case .currency: currency = try r.readOptionalString()
            case .totalPrice: totalPrice = try r.readOptionalString()
            case .fulfillments: fulfillments = try r.readOptionalArray(readFulfillment)
            case .refunds: refunds = try r.readOptionalArray(readRefund)
            case .transactions: transactions = try r.readOptionalArray(readTransaction)
            }
        }
        guard let id, let updatedAt, let financialStatus else { throw Unhandled() }
        return ShopifyOrder(
            id: id, name: name, createdAt: createdAt, updatedAt: updatedAt, financialStatus: financialStatus,
            fulfillmentStatus: fulfillmentStatus, cancelledAt: cancelledAt, cancelReason: cancelReason,
            closedAt: closedAt, returnStatus: returnStatus, currency: currency, totalPrice: totalPrice,
            fulfillments: fulfillments ?? [], refunds: refunds ?? [], transactions: transactions ?? [])
    }

    private enum FulfillmentField: Int, JSONKeySet {
        case id, status, trackingCompany, trackingNumber, trackingNumbers

        static let lookup = JSONKeyLookup<FulfillmentField>([
            ("id", .id), ("status", .status), ("tracking_company", .trackingCompany),
            ("tracking_number", .trackingNumber), ("tracking_numbers", .trackingNumbers),
        ])
    }

    private static func readFulfillment(_ r: inout JSONByteReader) throws(Unhandled) -> ShopifyOrder.Fulfillment {
        var id: String?
        var status: String?
        var trackingCompany: String?
        var trackingNumbers: [String]?
        // `tracking_number` is only decoded when `tracking_numbers` is absent or null, so a value of
        // another type matters only then.
        var trackingNumber: String?
        var trackingNumberIsString = true
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: FulfillmentField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .id: id = try r.readID()
            case .status: status = try r.readOptionalString()
            case .trackingCompany: trackingCompany = try r.readOptionalString()
            case .trackingNumbers:
                trackingNumbers = try r.readOptionalArray { (r) throws(Unhandled) in try r.readString() }
            case .trackingNumber:
                switch try r.peek() {
                case UInt8(ascii: "\""), UInt8(ascii: "n"): trackingNumber = try r.readOptionalString()
                default:
                    try r.skipValue()
                    trackingNumberIsString = false
                }
            }
        }
        guard let id else { throw Unhandled() }
        if trackingNumbers == nil {
            guard trackingNumberIsString else { throw Unhandled() }
            trackingNumbers = trackingNumber.map { [$0] } ?? []
        }
        return ShopifyOrder.Fulfillment(
            id: id, status: status, trackingCompany: trackingCompany, trackingNumbers: trackingNumbers ?? [])
    }

    private enum RefundField: Int, JSONKeySet {
        case id, refundLineItems

        static let lookup = JSONKeyLookup<RefundField>([
            ("id", .id), ("refund_line_items", .refundLineItems),
        ])
    }

    private static func readRefund(_ r: inout JSONByteReader) throws(Unhandled) -> ShopifyOrder.Refund {
        var id: String?
        var restockTypes: [String?]?
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: RefundField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .id: id = try r.readID()
            case .refundLineItems: restockTypes = try r.readOptionalArray(readRestockType)
            }
        }
        guard let id else { throw Unhandled() }
        return ShopifyOrder.Refund(id: id, restockTypes: (restockTypes ?? []).compactMap { $0 })
    }

    private enum LineItemField: Int, JSONKeySet {
        case restockType

        static let lookup = JSONKeyLookup<LineItemField>([("restock_type", .restockType)])
    }

    /// The `restock_type` of one refund line (nil when absent or null).
    private static func readRestockType(_ r: inout JSONByteReader) throws(Unhandled) -> String? {
        var restockType: String?
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: LineItemField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            restockType = try r.readOptionalString()
        }
        return restockType
    }

    private enum TransactionField: Int, JSONKeySet {
        case id, kind, status, gateway, authorization, amount

        static let lookup = JSONKeyLookup<TransactionField>([
            ("id", .id), ("kind", .kind), ("status", .status), ("gateway", .gateway),
            ("authorization", .authorization), ("amount", .amount),
        ])
    }

    private static func readTransaction(_ r: inout JSONByteReader) throws(Unhandled) -> ShopifyOrder.Transaction {
        var id: String?
        var kind: String?
        var status: String?
        var gateway: String?
        var authorization: String?
        var amount: String?
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: TransactionField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .id: id = try r.readID()
            case .kind: kind = try r.readString()
            case .status: status = try r.readOptionalString()
            case .gateway: gateway = try r.readOptionalString()
            case .authorization: authorization = try r.readOptionalString()
            case .amount: amount = try r.readOptionalString()
            }
        }
        guard let id, let kind else { throw Unhandled() }
        return ShopifyOrder.Transaction(
            id: id, kind: kind, status: status, gateway: gateway, authorization: authorization, amount: amount)
    }
}
