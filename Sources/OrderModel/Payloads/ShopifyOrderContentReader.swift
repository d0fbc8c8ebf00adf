import Foundation
import JSONText

/// The fast path of `ShopifyOrderContent.decode`: one pass over the bytes with `JSONByteReader`, reading
/// only the fields `ShopifyOrderContent.Body` reads and skipping (validated, never materialised) the rest.
///
/// It gives the same `OrderContent` as `JSONDecoder` with `ShopifyOrderContent.Body.init(from:)` or nil —
/// "decode it the slow way" — for anything else: malformed or unusual JSON (see `JSONByteReader`), a
/// missing or malformed required field, a value of another type than the one decoded, numbers that are
/// not plain integers where `Int` is read, amounts `Money` refuses, bad timestamps. Errors therefore
/// always come from `JSONDecoder`, with its paths and messages. Duplicate keys keep their first
/// occurrence, as `JSONDecoder` does. The parts: this file (the order, customer, addresses),
/// `+Lines` (line items, shipping lines, taxes, discounts) and `+Payments` (fulfilments, refunds,
/// transactions).
enum ShopifyOrderContentReader {
    typealias Unhandled = JSONByteReader.Unhandled

    /// The content, or nil when the body needs `JSONDecoder`.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> OrderContent? {
        var reader = JSONByteReader(bytes)
        do {
            let content = try readBody(&reader)
            try reader.expectEnd()
            return content
        } catch {
            return nil
        }
    }

    private enum BodyField: Int, JSONKeySet {
        case name, email, currency, customer, updatedAt, lineItems, shippingLines, billingAddress
        case shippingAddress, subtotal, tax, discounts, total, fulfillments, refunds, transactions

        static let lookup = JSONKeyLookup<BodyField>([
            ("name", .name), ("email", .email), ("currency", .currency), ("customer", .customer),
            ("updated_at", .updatedAt), ("line_items", .lineItems), ("shipping_lines", .shippingLines),
            ("billing_address", .billingAddress), ("shipping_address", .shippingAddress),
            ("subtotal_price", .subtotal), ("total_tax", .tax), ("total_discounts", .discounts),
            ("total_price", .total), ("fulfillments", .fulfillments), ("refunds", .refunds),
            ("transactions", .transactions),
        ])
    }

    private static func readBody(_ r: inout JSONByteReader) throws(Unhandled) -> OrderContent {
        var name: String?
        var email: String?
        var currency: String?
        var customer: OrderCustomer?
        var updatedAt: Date?
        var lines: [OrderLine]?
        var shipping: [OrderShippingLine]?
        var billing: OrderAddress?
        var shippingAddress: OrderAddress?
        var subtotal: Money?
        var tax: Money?
        var discounts: Money?
        var total: Money?
        var fulfillments: [Fulfillment]?
        var refunds: [OrderRefund]?
        var transactions: [Transaction]?
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: BodyField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .name: name = try r.readOptionalString()
            case .email: email = try r.readOptionalString()
            case .currency: currency = try r.readOptionalString()
            case .customer: customer = try r.consumeNull() ? nil : try readCustomer(&r)
            case .updatedAt: updatedAt = try r.readTimestamp()
            case .lineItems: lines = try r.readOptionalArray(readLineItem)
            case .shippingLines: shipping = try r.readOptionalArray(readShippingLine)
            case .billingAddress: billing = try r.consumeNull() ? nil : try readAddress(&r)
            case .shippingAddress: shippingAddress = try r.consumeNull() ? nil : try readAddress(&r)
            case .subtotal: subtotal = try r.readOptionalMoney()
            case .tax: tax = try r.readOptionalMoney()
            case .discounts: discounts = try r.readOptionalMoney()
            case .total: total = try r.readOptionalMoney()
            case .fulfillments: fulfillments = try r.readOptionalArray(readFulfillment)
            case .refunds: refunds = try r.readOptionalArray(readRefund)
            case .transactions: transactions = try r.readOptionalArray(readTransaction)
            }
        }
        guard let updatedAt else { throw Unhandled() }
        let shippingLines = shipping ?? []
        let captures = (transactions ?? []).filter(\.isSuccessfulCapture)
            .map { OrderCapture(reference: $0.reference, amount: $0.amount, gateway: $0.gateway) }
        return OrderContent(
            stamp: ContentStamp(updatedAt), name: name, currency: currency,
            customer: OrderCustomer(
                id: customer?.id, email: customer?.email ?? email, firstName: customer?.firstName,
                lastName: customer?.lastName),
            lines: lines ?? [], shippingLines: shippingLines, billingAddress: billing,
            shippingAddress: shippingAddress,
            totals: OrderTotals(
                subtotal: subtotal, tax: tax,
                shipping: shippingLines.isEmpty ? nil : shippingLines.reduce(Money.zero) { $0 + $1.price },
                discounts: discounts, total: total),
            shipments: (fulfillments ?? []).filter(\.counts).map(\.shipment), refunds: refunds ?? [],
            captures: captures)
    }

    private enum CustomerField: Int, JSONKeySet {
        case id, email, firstName, lastName

        static let lookup = JSONKeyLookup<CustomerField>([
            ("id", .id), ("email", .email), ("first_name", .firstName), ("last_name", .lastName),
        ])
    }

    /// `Customer`: an id only when present and not null.
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
            case .id: customer.id = try r.consumeNull() ? nil : try r.readID()
            case .email: customer.email = try r.readOptionalString()
            case .firstName: customer.firstName = try r.readOptionalString()
            case .lastName: customer.lastName = try r.readOptionalString()
            }
        }
        return customer
    }

    private enum AddressField: Int, JSONKeySet {
        case name, firstName, lastName, address1, address2, city, provinceCode, zip, countryCode, phone

        static let lookup = JSONKeyLookup<AddressField>([
            ("name", .name), ("first_name", .firstName), ("last_name", .lastName), ("address1", .address1),
            ("address2", .address2), ("city", .city), ("province_code", .provinceCode), ("zip", .zip),
            ("country_code", .countryCode), ("phone", .phone),
        ])
    }

    /// `Address`: `name`, else the non-empty first and last names joined by a space.
    private static func readAddress(_ r: inout JSONByteReader) throws(Unhandled) -> OrderAddress {
        var address = OrderAddress()
        var firstName: String?
        var lastName: String?
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
            case .firstName: firstName = try r.readOptionalString()
            case .lastName: lastName = try r.readOptionalString()
            case .address1: address.address1 = try r.readOptionalString()
            case .address2: address.address2 = try r.readOptionalString()
            case .city: address.city = try r.readOptionalString()
            case .provinceCode: address.provinceCode = try r.readOptionalString()
            case .zip: address.zip = try r.readOptionalString()
            case .countryCode: address.countryCode = try r.readOptionalString()
            case .phone: address.phone = try r.readOptionalString()
            }
        }
        if address.name == nil {
            let joined = [firstName, lastName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            address.name = joined.isEmpty ? nil : joined
        }
        return address
    }
}
