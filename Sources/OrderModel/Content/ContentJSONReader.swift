import Foundation
import JSONText

/// The fast path of `ContentJSON.content` (translate reads every record's content from the
/// `dl-observation` header): one pass over the JSON with `JSONByteReader`, giving the same
/// ``OrderContent`` as `JSONDecoder` with the types' synthesised `Decodable`, or nil — "decode it with
/// `JSONDecoder`" — for anything else (a missing required key, another type, an amount `Money` refuses,
/// a bad stamp, unusual JSON). Edits are taken as written (the synthesised decoder does not prune them).
/// Duplicate keys keep their first occurrence, as `JSONDecoder` does. The parts: this file (the content,
/// customer, addresses, totals, edits) and `+Parts` (lines, shipping lines, shipments, refunds, captures).
enum ContentJSONReader {
    typealias Unhandled = JSONByteReader.Unhandled

    /// The content, or nil when the text needs `JSONDecoder`.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> OrderContent? {
        var reader = JSONByteReader(bytes)
        do {
            let content = try readContent(&reader)
            try reader.expectEnd()
            return content
        } catch {
            return nil
        }
    }

    private enum ContentField: Int, JSONKeySet {
        case stamp, name, currency, customer, lines, shippingLines, billingAddress, shippingAddress, totals
        case shipments, refunds, captures, edits

        static let lookup = JSONKeyLookup<ContentField>([
            ("stamp", .stamp), ("name", .name), ("currency", .currency), ("customer", .customer), ("lines", .lines),
            ("shippingLines", .shippingLines), ("billingAddress", .billingAddress),
            ("shippingAddress", .shippingAddress), ("totals", .totals), ("shipments", .shipments),
            ("refunds", .refunds), ("captures", .captures), ("edits", .edits),
        ])
    }

    private static func readContent(_ r: inout JSONByteReader) throws(Unhandled) -> OrderContent {
        var stamp: ContentStamp?
        var name: String?
        var currency: String?
        var customer: OrderCustomer?
        var lines: [OrderLine]?
        var shippingLines: [OrderShippingLine]?
        var billing: OrderAddress?
        var shipping: OrderAddress?
        var totals: OrderTotals?
        var shipments: [OrderShipment]?
        var refunds: [OrderRefund]?
        var captures: [OrderCapture]?
        var edits: [OrderEdit]?
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: ContentField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .stamp: stamp = try r.consumeNull() ? nil : ContentStamp(try r.readTimestamp())
            case .name: name = try r.readOptionalString()
            case .currency: currency = try r.readOptionalString()
            case .customer: customer = try r.consumeNull() ? nil : try readCustomer(&r)
            case .lines: lines = try readArray(&r, readLine)
            case .shippingLines: shippingLines = try readArray(&r, readShippingLine)
            case .billingAddress: billing = try r.consumeNull() ? nil : try readAddress(&r)
            case .shippingAddress: shipping = try r.consumeNull() ? nil : try readAddress(&r)
            case .totals: totals = try readTotals(&r)
            case .shipments: shipments = try readArray(&r, readShipment)
            case .refunds: refunds = try readArray(&r, readRefund)
            case .captures: captures = try readArray(&r, readCapture)
            case .edits: edits = try readArray(&r, readEdit)
            }
        }
        guard let lines, let shippingLines, let totals, let shipments, let refunds, let captures, let edits else {
            throw Unhandled()
        }
        var content = OrderContent(
            stamp: stamp, name: name, currency: currency, customer: customer, lines: lines,
            shippingLines: shippingLines, billingAddress: billing, shippingAddress: shipping, totals: totals,
            shipments: shipments, refunds: refunds, captures: captures)
        content.edits = edits
        return content
    }

    /// A required array (`null` is `Unhandled`, as `decode([T].self, …)` rejects it).
    static func readArray<T>(
        _ r: inout JSONByteReader, _ element: (inout JSONByteReader) throws(Unhandled) -> T
    ) throws(Unhandled) -> [T] {
        guard try r.peek() == UInt8(ascii: "["), let array = try r.readOptionalArray(element) else {
            throw Unhandled()
        }
        return array
    }

    private enum CustomerField: Int, JSONKeySet {
        case id, email, firstName, lastName

        static let lookup = JSONKeyLookup<CustomerField>([
            ("id", .id), ("email", .email), ("firstName", .firstName), ("lastName", .lastName),
        ])
    }

    private static func readCustomer(_ r: inout JSONByteReader) throws(Unhandled) -> OrderCustomer {
        var customer = OrderCustomer()
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: CustomerField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .id: customer.id = try r.readOptionalString()
            case .email: customer.email = try r.readOptionalString()
            case .firstName: customer.firstName = try r.readOptionalString()
            case .lastName: customer.lastName = try r.readOptionalString()
            }
        }
        return customer
    }

    private enum AddressField: Int, JSONKeySet {
        case name, address1, address2, city, provinceCode, zip, countryCode, phone

        static let lookup = JSONKeyLookup<AddressField>([
            ("name", .name), ("address1", .address1), ("address2", .address2), ("city", .city),
            ("provinceCode", .provinceCode), ("zip", .zip), ("countryCode", .countryCode), ("phone", .phone),
        ])
    }

    private static func readAddress(_ r: inout JSONByteReader) throws(Unhandled) -> OrderAddress {
        var address = OrderAddress()
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: AddressField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .name: address.name = try r.readOptionalString()
            case .address1: address.address1 = try r.readOptionalString()
            case .address2: address.address2 = try r.readOptionalString()
            case .city: address.city = try r.readOptionalString()
            case .provinceCode: address.provinceCode = try r.readOptionalString()
            case .zip: address.zip = try r.readOptionalString()
            case .countryCode: address.countryCode = try r.readOptionalString()
            case .phone: address.phone = try r.readOptionalString()
            }
        }
        return address
    }

    private enum TotalsField: Int, JSONKeySet {
        case subtotal, tax, shipping, discounts, total

        static let lookup = JSONKeyLookup<TotalsField>([
            ("subtotal", .subtotal), ("tax", .tax), ("shipping", .shipping), ("discounts", .discounts),
            ("total", .total),
        ])
    }

    private static func readTotals(_ r: inout JSONByteReader) throws(Unhandled) -> OrderTotals {
        var totals = OrderTotals()
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: TotalsField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .subtotal: totals.subtotal = try r.readOptionalMoney()
            case .tax: totals.tax = try r.readOptionalMoney()
            case .shipping: totals.shipping = try r.readOptionalMoney()
            case .discounts: totals.discounts = try r.readOptionalMoney()
            case .total: totals.total = try r.readOptionalMoney()
            }
        }
        return totals
    }

    private enum EditField: Int, JSONKeySet {
        case id, committedAt, additions, removals

        static let lookup = JSONKeyLookup<EditField>([
            ("id", .id), ("committedAt", .committedAt), ("additions", .additions), ("removals", .removals),
        ])
    }

    private static func readEdit(_ r: inout JSONByteReader) throws(Unhandled) -> OrderEdit {
        var id: String?
        var committedAt: ContentStamp?
        var additions: [OrderLineQuantity]?
        var removals: [OrderLineQuantity]?
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: EditField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .id: id = try r.readString()
            case .committedAt: committedAt = ContentStamp(try r.readTimestamp())
            case .additions: additions = try readArray(&r, readQuantity)
            case .removals: removals = try readArray(&r, readQuantity)
            }
        }
        guard let id, let committedAt, let additions, let removals else { throw Unhandled() }
        return OrderEdit(id: id, committedAt: committedAt, additions: additions, removals: removals)
    }
}
