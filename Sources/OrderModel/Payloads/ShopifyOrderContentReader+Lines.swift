import JSONText

/// Line items, shipping lines, their tax lines and discount allocations, as the `LineItem`,
/// `ShippingLine`, `TaxLine` and `Allocation` of `ShopifyOrderContent` read them.
extension ShopifyOrderContentReader {
    private enum LineField: Int, JSONKeySet {
        case id, sku, title, quantity, currentQuantity, price, totalDiscount, allocations, taxLines

        static let lookup = JSONKeyLookup<LineField>([
            ("id", .id), ("sku", .sku), ("title", .title), ("quantity", .quantity),
            ("current_quantity", .currentQuantity), ("price", .price), ("total_discount", .totalDiscount),
            ("discount_allocations", .allocations), ("tax_lines", .taxLines),
        ])
    }

    /// `LineItem`: `current_quantity` else `quantity`; the allocations' sum when `discount_allocations`
    /// is there (even empty), else `total_discount`.
    static func readLineItem(_ r: inout JSONByteReader) throws(Unhandled) -> OrderLine {
        var id: String?
        var sku: String?
        var title: String?
        var quantity: Int?
        var currentQuantity: Int?
        var price: Money?
        var totalDiscount: Money?
        var allocations: Money?
        var taxLines: [OrderTaxLine]?
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: LineField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .id: id = try r.readID()
            case .sku: sku = try r.readOptionalString()
            case .title: title = try r.readOptionalString()
            case .quantity: quantity = try r.readOptionalInt()
            case .currentQuantity: currentQuantity = try r.readOptionalInt()
            case .price: price = try r.readOptionalMoney()
            case .totalDiscount: totalDiscount = try r.readOptionalMoney()
            case .allocations: allocations = try readOptionalAllocations(&r)
            case .taxLines: taxLines = try r.readOptionalArray(readTaxLine)
            }
        }
        guard let id else { throw Unhandled() }
        return OrderLine(
            id: id, sku: sku ?? "", title: title, quantity: currentQuantity ?? quantity ?? 0,
            unitPrice: price ?? .zero, discount: allocations ?? totalDiscount ?? .zero, taxLines: taxLines ?? [])
    }

    private enum ShippingField: Int, JSONKeySet {
        case code, title, price, allocations, taxLines

        static let lookup = JSONKeyLookup<ShippingField>([
            ("code", .code), ("title", .title), ("price", .price), ("discount_allocations", .allocations),
            ("tax_lines", .taxLines),
        ])
    }

    /// `ShippingLine`: the method is `code`, else `title`, else "shipping".
    static func readShippingLine(_ r: inout JSONByteReader) throws(Unhandled) -> OrderShippingLine {
        var code: String?
        var title: String?
        var price: Money?
        var allocations: Money?
        var taxLines: [OrderTaxLine]?
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: ShippingField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .code: code = try r.readOptionalString()
            case .title: title = try r.readOptionalString()
            case .price: price = try r.readOptionalMoney()
            case .allocations: allocations = try readOptionalAllocations(&r)
            case .taxLines: taxLines = try r.readOptionalArray(readTaxLine)
            }
        }
        return OrderShippingLine(
            method: code ?? title ?? "shipping", price: price ?? .zero, discount: allocations ?? .zero,
            taxLines: taxLines ?? [])
    }

    private enum TaxField: Int, JSONKeySet {
        case title, rate, price

        static let lookup = JSONKeyLookup<TaxField>([("title", .title), ("rate", .rate), ("price", .price)])
    }

    /// `TaxLine`: the rate as a string, or a number as its `Double` description; title "tax" by default.
    static func readTaxLine(_ r: inout JSONByteReader) throws(Unhandled) -> OrderTaxLine {
        var title: String?
        var rate: String?
        var price: Money?
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: TaxField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .title: title = try r.readOptionalString()
            case .price: price = try r.readOptionalMoney()
            case .rate:
                if try r.consumeNull() {
                    rate = nil
                } else if try r.peek() == UInt8(ascii: "\"") {
                    rate = try r.readString()
                } else {
                    rate = String(try r.readPlainDouble())
                }
            }
        }
        return OrderTaxLine(title: title ?? "tax", rate: rate, amount: price ?? .zero)
    }

    private enum AllocationField: Int, JSONKeySet {
        case amount

        static let lookup = JSONKeyLookup<AllocationField>([("amount", .amount)])
    }

    /// The sum of `discount_allocations[].amount` (each required), or nil for `null`.
    static func readOptionalAllocations(_ r: inout JSONByteReader) throws(Unhandled) -> Money? {
        guard let amounts = try r.readOptionalArray(readAllocation) else { return nil }
        return amounts.reduce(Money.zero) { $0 + $1 }
    }

    private static func readAllocation(_ r: inout JSONByteReader) throws(Unhandled) -> Money {
        var amount: Money?
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: AllocationField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .amount: amount = try r.consumeNull() ? nil : try r.readMoney()
            }
        }
        guard let amount else { throw Unhandled() }
        return amount
    }
}
