import JSONText

/// Writes ``OrderContent`` as `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` writes it
/// through the types' synthesised `Codable` — byte for byte (the tests check it): keys sorted, nil
/// optionals left out, `Money` and `ContentStamp` as their description strings — without the
/// `Codable` round trip, which was a fifth of validate's CPU (every record's `dl-observation` header).
enum ContentJSONWriter {
    /// The content's JSON bytes.
    static func bytes(of content: OrderContent) -> [UInt8] {
        var w = JSONTextWriter(capacity: 2048)
        w.beginObject()
        if let address = content.billingAddress {
            w.key("billingAddress")
            write(address, into: &w)
        }
        w.key("captures")
        w.beginArray()
        for capture in content.captures {
            w.beginObject()
            optional("amount", capture.amount, into: &w)
            optional("gateway", capture.gateway, into: &w)
            w.key("reference")
            w.string(capture.reference)
            w.endObject()
        }
        w.endArray()
        optional("currency", content.currency, into: &w)
        if let customer = content.customer {
            w.key("customer")
            w.beginObject()
            optional("email", customer.email, into: &w)
            optional("firstName", customer.firstName, into: &w)
            optional("id", customer.id, into: &w)
            optional("lastName", customer.lastName, into: &w)
            w.endObject()
        }
        w.key("edits")
        w.beginArray()
        for edit in content.edits { write(edit, into: &w) }
        w.endArray()
        w.key("lines")
        w.beginArray()
        for line in content.lines { write(line, into: &w) }
        w.endArray()
        optional("name", content.name, into: &w)
        w.key("refunds")
        w.beginArray()
        for refund in content.refunds { write(refund, into: &w) }
        w.endArray()
        w.key("shipments")
        w.beginArray()
        for shipment in content.shipments { write(shipment, into: &w) }
        w.endArray()
        if let address = content.shippingAddress {
            w.key("shippingAddress")
            write(address, into: &w)
        }
        w.key("shippingLines")
        w.beginArray()
        for line in content.shippingLines { write(line, into: &w) }
        w.endArray()
        optional("stamp", content.stamp?.description, into: &w)
        w.key("totals")
        w.beginObject()
        optional("discounts", content.totals.discounts, into: &w)
        optional("shipping", content.totals.shipping, into: &w)
        optional("subtotal", content.totals.subtotal, into: &w)
        optional("tax", content.totals.tax, into: &w)
        optional("total", content.totals.total, into: &w)
        w.endObject()
        w.endObject()
        return w.bytes
    }

    private static func optional(_ key: StaticString, _ value: String?, into w: inout JSONTextWriter) {
        guard let value else { return }
        w.key(key)
        w.string(value)
    }

    private static func optional(_ key: StaticString, _ value: Money?, into w: inout JSONTextWriter) {
        guard let value else { return }
        w.key(key)
        w.string(value.description)
    }

    private static func write(_ address: OrderAddress, into w: inout JSONTextWriter) {
        w.beginObject()
        optional("address1", address.address1, into: &w)
        optional("address2", address.address2, into: &w)
        optional("city", address.city, into: &w)
        optional("countryCode", address.countryCode, into: &w)
        optional("name", address.name, into: &w)
        optional("phone", address.phone, into: &w)
        optional("provinceCode", address.provinceCode, into: &w)
        optional("zip", address.zip, into: &w)
        w.endObject()
    }

    private static func write(_ edit: OrderEdit, into w: inout JSONTextWriter) {
        w.beginObject()
        w.key("additions")
        write(edit.additions, into: &w)
        w.key("committedAt")
        w.string(edit.committedAt.description)
        w.key("id")
        w.string(edit.id)
        w.key("removals")
        write(edit.removals, into: &w)
        w.endObject()
    }

    private static func write(_ quantities: [OrderLineQuantity], into w: inout JSONTextWriter) {
        w.beginArray()
        for quantity in quantities {
            w.beginObject()
            w.key("lineID")
            w.string(quantity.lineID)
            w.key("quantity")
            w.int(quantity.quantity)
            w.endObject()
        }
        w.endArray()
    }

    private static func write(_ line: OrderLine, into w: inout JSONTextWriter) {
        w.beginObject()
        w.key("discount")
        w.string(line.discount.description)
        w.key("id")
        w.string(line.id)
        w.key("quantity")
        w.int(line.quantity)
        optional("sku", line.sku, into: &w)
        w.key("taxLines")
        write(line.taxLines, into: &w)
        optional("title", line.title, into: &w)
        optional("unitPrice", line.unitPrice, into: &w)
        w.endObject()
    }

    private static func write(_ taxLines: [OrderTaxLine], into w: inout JSONTextWriter) {
        w.beginArray()
        for tax in taxLines {
            w.beginObject()
            w.key("amount")
            w.string(tax.amount.description)
            optional("rate", tax.rate, into: &w)
            w.key("title")
            w.string(tax.title)
            w.endObject()
        }
        w.endArray()
    }

    private static func write(_ refund: OrderRefund, into w: inout JSONTextWriter) {
        w.beginObject()
        optional("amount", refund.amount, into: &w)
        w.key("id")
        w.string(refund.id)
        w.key("lines")
        w.beginArray()
        for line in refund.lines {
            w.beginObject()
            w.key("amount")
            w.string(line.amount.description)
            w.key("lineID")
            w.string(line.lineID)
            w.key("quantity")
            w.int(line.quantity)
            optional("restockType", line.restockType, into: &w)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    private static func write(_ shipment: OrderShipment, into w: inout JSONTextWriter) {
        w.beginObject()
        w.key("id")
        w.string(shipment.id)
        w.key("lines")
        write(shipment.lines, into: &w)
        optional("trackingCompany", shipment.trackingCompany, into: &w)
        w.key("trackingNumbers")
        w.strings(shipment.trackingNumbers)
        w.endObject()
    }

    private static func write(_ line: OrderShippingLine, into w: inout JSONTextWriter) {
        w.beginObject()
        w.key("discount")
        w.string(line.discount.description)
        w.key("method")
        w.string(line.method)
        w.key("price")
        w.string(line.price.description)
        w.key("taxLines")
        write(line.taxLines, into: &w)
        w.endObject()
    }
}
