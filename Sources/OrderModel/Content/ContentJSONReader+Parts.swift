import JSONText

/// Lines, tax lines, shipping lines, shipments, refunds and captures of the content JSON, as their
/// synthesised `Decodable` reads them (optionals may be absent or `null`; everything else is required).
extension ContentJSONReader {
    private enum LineField: Int, JSONKeySet {
        case id, sku, title, quantity, unitPrice, discount, taxLines

        static let lookup = JSONKeyLookup<LineField>([
            ("id", .id), ("sku", .sku), ("title", .title), ("quantity", .quantity), ("unitPrice", .unitPrice),
            ("discount", .discount), ("taxLines", .taxLines),
        ])
    }

    static func readLine(_ r: inout JSONByteReader) throws(Unhandled) -> OrderLine {
        var id: String?
        var sku: String?
        var title: String?
        var quantity: Int?
        var unitPrice: Money?
        var discount: Money?
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
            case .id: id = try r.readString()
            case .sku: sku = try r.readOptionalString()
            case .title: title = try r.readOptionalString()
            case .quantity: quantity = try r.readInt()
            case .unitPrice: unitPrice = try r.readOptionalMoney()
            case .discount: discount = try r.readMoney()
            case .taxLines: taxLines = try readArray(&r, readTaxLine)
            }
        }
        guard let id, let quantity, let discount, let taxLines else { throw Unhandled() }
        return OrderLine(
            id: id, sku: sku, title: title, quantity: quantity, unitPrice: unitPrice, discount: discount,
            taxLines: taxLines)
    }

    private enum TaxField: Int, JSONKeySet {
        case title, rate, amount

        static let lookup = JSONKeyLookup<TaxField>([("title", .title), ("rate", .rate), ("amount", .amount)])
    }

    static func readTaxLine(_ r: inout JSONByteReader) throws(Unhandled) -> OrderTaxLine {
        var title: String?
        var rate: String?
        var amount: Money?
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: TaxField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .title: title = try r.readString()
            case .rate: rate = try r.readOptionalString()
            case .amount: amount = try r.readMoney()
            }
        }
        guard let title, let amount else { throw Unhandled() }
        return OrderTaxLine(title: title, rate: rate, amount: amount)
    }

    private enum ShippingField: Int, JSONKeySet {
        case method, price, discount, taxLines

        static let lookup = JSONKeyLookup<ShippingField>([
            ("method", .method), ("price", .price), ("discount", .discount), ("taxLines", .taxLines),
        ])
    }

    static func readShippingLine(_ r: inout JSONByteReader) throws(Unhandled) -> OrderShippingLine {
        var method: String?
        var price: Money?
        var discount: Money?
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
            case .method: method = try r.readString()
            case .price: price = try r.readMoney()
            case .discount: discount = try r.readMoney()
            case .taxLines: taxLines = try readArray(&r, readTaxLine)
            }
        }
        guard let method, let price, let discount, let taxLines else { throw Unhandled() }
        return OrderShippingLine(method: method, price: price, discount: discount, taxLines: taxLines)
    }

    private enum QuantityField: Int, JSONKeySet {
        case lineID, quantity

        static let lookup = JSONKeyLookup<QuantityField>([("lineID", .lineID), ("quantity", .quantity)])
    }

    static func readQuantity(_ r: inout JSONByteReader) throws(Unhandled) -> OrderLineQuantity {
        var lineID: String?
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
            case .lineID: lineID = try r.readString()
            case .quantity: quantity = try r.readInt()
            }
        }
        guard let lineID, let quantity else { throw Unhandled() }
        return OrderLineQuantity(lineID: lineID, quantity: quantity)
    }

    private enum ShipmentField: Int, JSONKeySet {
        case id, trackingNumbers, trackingCompany, lines

        static let lookup = JSONKeyLookup<ShipmentField>([
            ("id", .id), ("trackingNumbers", .trackingNumbers), ("trackingCompany", .trackingCompany),
            ("lines", .lines),
        ])
    }

    static func readShipment(_ r: inout JSONByteReader) throws(Unhandled) -> OrderShipment {
        var id: String?
        var numbers: [String]?
        var company: String?
        var lines: [OrderLineQuantity]?
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: ShipmentField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .id: id = try r.readString()
            case .trackingNumbers: numbers = try readArray(&r) { (r) throws(Unhandled) in try r.readString() }
            case .trackingCompany: company = try r.readOptionalString()
            case .lines: lines = try readArray(&r, readQuantity)
            }
        }
        guard let id, let numbers, let lines else { throw Unhandled() }
        return OrderShipment(id: id, trackingNumbers: numbers, trackingCompany: company, lines: lines)
    }

    private enum RefundField: Int, JSONKeySet {
        case id, lines, amount

        static let lookup = JSONKeyLookup<RefundField>([("id", .id), ("lines", .lines), ("amount", .amount)])
    }

    static func readRefund(_ r: inout JSONByteReader) throws(Unhandled) -> OrderRefund {
        var id: String?
        var lines: [OrderRefundLine]?
        var amount: Money?
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: RefundField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .id: id = try r.readString()
            case .lines: lines = try readArray(&r, readRefundLine)
            case .amount: amount = try r.readOptionalMoney()
            }
        }
        guard let id, let lines else { throw Unhandled() }
        return OrderRefund(id: id, lines: lines, amount: amount)
    }

    private enum RefundLineField: Int, JSONKeySet {
        case lineID, quantity, amount, restockType

        static let lookup = JSONKeyLookup<RefundLineField>([
            ("lineID", .lineID), ("quantity", .quantity), ("amount", .amount), ("restockType", .restockType),
        ])
    }

    static func readRefundLine(_ r: inout JSONByteReader) throws(Unhandled) -> OrderRefundLine {
        var lineID: String?
        var quantity: Int?
        var amount: Money?
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
            case .lineID: lineID = try r.readString()
            case .quantity: quantity = try r.readInt()
            case .amount: amount = try r.readMoney()
            case .restockType: restockType = try r.readOptionalString()
            }
        }
        guard let lineID, let quantity, let amount else { throw Unhandled() }
        return OrderRefundLine(lineID: lineID, quantity: quantity, amount: amount, restockType: restockType)
    }

    private enum CaptureField: Int, JSONKeySet {
        case reference, amount, gateway

        static let lookup = JSONKeyLookup<CaptureField>([
            ("reference", .reference), ("amount", .amount), ("gateway", .gateway),
        ])
    }

    static func readCapture(_ r: inout JSONByteReader) throws(Unhandled) -> OrderCapture {
        var reference: String?
        var amount: Money?
        var gateway: String?
        var seen = SeenKeys()
        var first = true
        try r.beginObject()
        while let key = try r.nextKey(&first) {
            guard let field = r.field(key, in: CaptureField.self), seen.insert(field) else {
                try r.skipValue()
                continue
            }
            switch field {
            case .reference: reference = try r.readString()
            case .amount: amount = try r.readOptionalMoney()
            case .gateway: gateway = try r.readOptionalString()
            }
        }
        guard let reference else { throw Unhandled() }
        return OrderCapture(reference: reference, amount: amount, gateway: gateway)
    }
}
