import JSONText

/// Fulfilments, refunds and transactions, as the `Fulfillment`, `Refund` and `Transaction` of
/// `ShopifyOrderContent` read them.
extension ShopifyOrderContentReader {
    /// A fulfilment's shipment, and whether it counts (its status is not cancelled, error or failure).
    struct Fulfillment {
        var shipment: OrderShipment
        var counts: Bool
    }

    /// A transaction's fields that the content uses.
    struct Transaction {
        var id: String
        var kind: String
        var status: String?
        var gateway: String?
        var authorization: String?
        var amount: Money?

        var isSuccessfulCapture: Bool {
            (kind == "capture" || kind == "sale") && (status == nil || status == "success")
        }
        var reference: String { authorization.flatMap { $0.isEmpty ? nil : $0 } ?? id }
    }

    private enum FulfillmentField: Int, JSONKeySet {
        case id, status, trackingCompany, trackingNumber, trackingNumbers, lineItems

        static let lookup = JSONKeyLookup<FulfillmentField>([
            ("id", .id), ("status", .status), ("tracking_company", .trackingCompany),
            ("tracking_number", .trackingNumber), ("tracking_numbers", .trackingNumbers),
            ("line_items", .lineItems),
        ])
    }

    static func readFulfillment(_ r: inout JSONByteReader) throws(Unhandled) -> Fulfillment {
        var id: String?
        var status: String?
        var trackingCompany: String?
        var trackingNumbers: [String]?
        var lines: [OrderLineQuantity]?
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
            case .lineItems: lines = try r.readOptionalArray(readFulfillmentLine)
            }
        }
        guard let id else { throw Unhandled() }
        if trackingNumbers == nil {
            guard trackingNumberIsString else { throw Unhandled() }
            trackingNumbers = trackingNumber.map { [$0] } ?? []
        }
        return Fulfillment(
            shipment: OrderShipment(
                id: id, trackingNumbers: trackingNumbers ?? [], trackingCompany: trackingCompany, lines: lines ?? []),
            counts: !["cancelled", "error", "failure"].contains(status ?? ""))
    }

    private enum QuantityField: Int, JSONKeySet {
        case id, quantity

        static let lookup = JSONKeyLookup<QuantityField>([("id", .id), ("quantity", .quantity)])
    }

    private static func readFulfillmentLine(_ r: inout JSONByteReader) throws(Unhandled) -> OrderLineQuantity {
        var id: String?
        var quantity: Int?
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: QuantityField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .id: id = try r.readID()
            case .quantity: quantity = try r.readOptionalInt()
            }
        }
        guard let id else { throw Unhandled() }
        return OrderLineQuantity(lineID: id, quantity: quantity ?? 0)
    }

    private enum RefundField: Int, JSONKeySet {
        case id, lines, transactions

        static let lookup = JSONKeyLookup<RefundField>([
            ("id", .id), ("refund_line_items", .lines), ("transactions", .transactions),
        ])
    }

    /// `Refund`: its amount is the sum of its successful refund transactions (nil without `transactions`).
    static func readRefund(_ r: inout JSONByteReader) throws(Unhandled) -> OrderRefund {
        var id: String?
        var lines: [OrderRefundLine]?
        var transactions: [Transaction]?
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
            case .lines: lines = try r.readOptionalArray(readRefundLine)
            case .transactions: transactions = try r.readOptionalArray(readTransaction)
            }
        }
        guard let id else { throw Unhandled() }
        let amount = transactions.map { list in
            list.filter { $0.kind == "refund" && ($0.status ?? "success") == "success" }
                .reduce(Money.zero) { $0 + ($1.amount ?? .zero) }
        }
        return OrderRefund(id: id, lines: lines ?? [], amount: amount)
    }

    private enum RefundLineField: Int, JSONKeySet {
        case lineItemID, quantity, subtotal, restockType

        static let lookup = JSONKeyLookup<RefundLineField>([
            ("line_item_id", .lineItemID), ("quantity", .quantity), ("subtotal", .subtotal),
            ("restock_type", .restockType),
        ])
    }

    private static func readRefundLine(_ r: inout JSONByteReader) throws(Unhandled) -> OrderRefundLine {
        var lineID: String?
        var quantity: Int?
        var subtotal: Money?
        var restockType: String?
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: RefundLineField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .lineItemID: lineID = try r.readID()
            case .quantity: quantity = try r.readOptionalInt()
            case .subtotal: subtotal = try r.readOptionalMoney()
            case .restockType: restockType = try r.readOptionalString()
            }
        }
        guard let lineID else { throw Unhandled() }
        return OrderRefundLine(
            lineID: lineID, quantity: quantity ?? 0, amount: subtotal ?? .zero, restockType: restockType)
    }

    private enum TransactionField: Int, JSONKeySet {
        case id, kind, status, gateway, authorization, amount

        static let lookup = JSONKeyLookup<TransactionField>([
            ("id", .id), ("kind", .kind), ("status", .status), ("gateway", .gateway),
            ("authorization", .authorization), ("amount", .amount),
        ])
    }

    /// `Transaction`: `kind` defaults to "" (it is optional here, unlike in `ShopifyOrder`).
    static func readTransaction(_ r: inout JSONByteReader) throws(Unhandled) -> Transaction {
        var id: String?
        var kind: String?
        var status: String?
        var gateway: String?
        var authorization: String?
        var amount: Money?
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
            case .kind: kind = try r.readOptionalString()
            case .status: status = try r.readOptionalString()
            case .gateway: gateway = try r.readOptionalString()
            case .authorization: authorization = try r.readOptionalString()
            case .amount: amount = try r.readOptionalMoney()
            }
        }
        guard let id else { throw Unhandled() }
        return Transaction(
            id: id, kind: kind ?? "", status: status, gateway: gateway, authorization: authorization, amount: amount)
    }
}
