import OrderModel

/// The content of the NetSuite records dispatch writes (issue 24), assembled from the order's
/// merged ``OrderContent`` through the mapping's ``ContentMapping``. Pure: no I/O, the same order
/// and mapping always give the same body fields (merged into the write's body by ``ERPSync``).
///
/// Field names follow NetSuite's REST record API (SuiteTalk REST, "Sales Order", "Item
/// Fulfillment", "Customer Deposit", "Credit Memo" in the REST API Browser): references are
/// `{"id": …}` (internal id) or `{"externalId": …}`; sublists are `{"items": [ … ]}`; addresses are
/// the `shippingAddress`/`billingAddress` subrecords (`addressee`, `addr1`, `addr2`, `city`,
/// `state`, `zip`, `country`, `addrPhone`). Every line carries the channel's line id in the custom
/// column `custcol_driftless_line`, which is how fulfilments and credit memos name their lines.
public enum ERPRecordContent {
    /// The custom body field holding ``OrderContent/linesDigest`` of the lines written.
    public static let linesDigestField = "custbody_driftless_lines"
    /// The custom column holding the channel's line id.
    public static let lineField = "custcol_driftless_line"

    /// The sales order's content: customer (`entity`), `email`, `otherRefNum` (the channel's order
    /// name, e.g. `#1013`), currency, subsidiary/location/department/class defaults, addresses, the
    /// item lines (item, quantity, rate, amount after discount, tax), shipping (`shipMethod`,
    /// `shippingCost`) and the lines' digest.
    public static func salesOrderContent(
        _ content: OrderContent, channel: Channel, mapping: ContentMapping
    ) -> [String: Any] {
        var body: [String: Any] = [:]
        if let entity = entity(content.customer, channel: channel, mapping: mapping) { body["entity"] = entity }
        if let email = content.customer?.email { body["email"] = email }
        if let name = content.name { body["otherRefNum"] = name }
        if let currency = content.currency { body["currency"] = ["refName": currency] }
        for (field, value) in [
            ("subsidiary", mapping.subsidiary), ("location", mapping.location), ("department", mapping.department),
            ("class", mapping.classID),
        ] {
            if let value { body[field] = ["id": value] }
        }
        if let address = content.shippingAddress { body["shippingAddress"] = self.address(address) }
        if let address = content.billingAddress { body["billingAddress"] = self.address(address) }
        body["item"] = ["items": content.effectiveLines.map { line(for: $0, mapping: mapping) }]
        if let first = content.shippingLines.first, let item = mapping.shippingItem(for: first.method) {
            body["shipMethod"] = ["id": item]
        }
        if !content.shippingLines.isEmpty {
            let cost = content.shippingLines.reduce(Money.zero) { $0 + $1.price - $1.discount }
            body["shippingCost"] = amount(cost, mapping)
        }
        if let total = content.totals.total { body["custbody_driftless_total"] = amount(total, mapping) }
        body[linesDigestField] = content.linesDigest
        return body
    }

    /// The lines and quantities of the shipment with `trackingNumber` (Shopify's fulfillment
    /// `line_items`), as item fulfilment lines; empty when the content does not know the shipment.
    public static func fulfilmentLines(
        _ content: OrderContent, tracking trackingNumber: String, mapping: ContentMapping
    ) -> [[String: Any]] {
        guard let shipment = content.shipment(tracking: trackingNumber) else { return [] }
        let lines = Dictionary(content.effectiveLines.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return shipment.lines.filter { $0.quantity > 0 }.map { shipped in
            var out: [String: Any] = [lineField: shipped.lineID, "quantity": shipped.quantity, "itemReceive": true]
            if let sku = lines[shipped.lineID]?.sku { out["item"] = itemReference(sku, mapping) }
            return out
        }
    }

    /// The item fulfilment's content for the shipment with `trackingNumber`: its lines and the
    /// package sublist with the tracking number.
    public static func fulfilmentContent(
        _ content: OrderContent, tracking trackingNumber: String, mapping: ContentMapping
    ) -> [String: Any] {
        var body: [String: Any] = [
            "package": ["items": [["packageTrackingNumber": trackingNumber]]]
        ]
        let lines = fulfilmentLines(content, tracking: trackingNumber, mapping: mapping)
        if !lines.isEmpty { body["item"] = ["items": lines] }
        if let company = content.shipment(tracking: trackingNumber)?.trackingCompany { body["shipCarrier"] = company }
        return body
    }

    /// The customer deposit's content: the captured amount (`payment`) and the customer.
    public static func depositContent(
        _ content: OrderContent, reference: String, channel: Channel, mapping: ContentMapping
    ) -> [String: Any] {
        var body: [String: Any] = [:]
        if let amount = content.capture(reference: reference)?.amount { body["payment"] = self.amount(amount, mapping) }
        if let entity = entity(content.customer, channel: channel, mapping: mapping) { body["customer"] = entity }
        return body
    }

    /// The refunded lines of refund `refundID` as credit memo lines (item, quantity, amount,
    /// whether restocked).
    public static func creditMemoLines(
        _ content: OrderContent, refundID: String, mapping: ContentMapping
    ) -> [[String: Any]] {
        guard let refund = content.refund(id: refundID) else { return [] }
        let lines = Dictionary(content.lines.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return refund.lines.map { refunded in
            var out: [String: Any] = [
                lineField: refunded.lineID, "quantity": refunded.quantity, "amount": amount(refunded.amount, mapping),
                "custcol_driftless_restocked": refunded.restocked,
            ]
            if let sku = lines[refunded.lineID]?.sku { out["item"] = itemReference(sku, mapping) }
            return out
        }
    }

    /// The credit memo's content: its lines and the refunded total.
    public static func creditMemoContent(
        _ content: OrderContent, refundID: String, mapping: ContentMapping
    ) -> [String: Any] {
        var body: [String: Any] = [:]
        let lines = creditMemoLines(content, refundID: refundID, mapping: mapping)
        if !lines.isEmpty { body["item"] = ["items": lines] }
        if let total = content.refund(id: refundID)?.amount { body["total"] = amount(total, mapping) }
        return body
    }

    // MARK: Parts

    static func line(for line: OrderLine, mapping: ContentMapping) -> [String: Any] {
        var out: [String: Any] = [
            lineField: line.id, "quantity": line.quantity, "amount": amount(line.netAmount, mapping),
        ]
        if let sku = line.sku { out["item"] = itemReference(sku, mapping) }
        if let price = line.unitPrice { out["rate"] = amount(price, mapping) }
        if line.discount != .zero { out["custcol_driftless_discount"] = amount(line.discount, mapping) }
        if !line.taxLines.isEmpty { out["tax1Amt"] = amount(line.tax, mapping) }
        if let title = line.title { out["description"] = title }
        return out
    }

    /// The item by internal id when the mapping maps the SKU, else by external id = SKU.
    static func itemReference(_ sku: String, _ mapping: ContentMapping) -> [String: String] {
        if let id = mapping.items[sku] { return ["id": id] }
        return ["externalId": sku]
    }

    /// The customer: by external id (`<channel>-customer-<id>`, guests `<channel>-guest-<email>`),
    /// else the configured default customer; nil when neither applies.
    static func entity(_ customer: OrderCustomer?, channel: Channel, mapping: ContentMapping) -> [String: String]? {
        if let external = mapping.customerExternalID(customer, channel: channel) { return ["externalId": external] }
        return mapping.defaultCustomer.map { ["id": $0] }
    }

    static func address(_ address: OrderAddress) -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in [
            ("addressee", address.name), ("addr1", address.address1), ("addr2", address.address2),
            ("city", address.city), ("state", address.provinceCode), ("zip", address.zip),
            ("country", address.countryCode), ("addrPhone", address.phone),
        ] {
            if let value, !value.isEmpty { out[key] = value }
        }
        return out
    }

    /// The amount as decimal text rounded to the mapping's decimals (half away from zero).
    static func amount(_ money: Money, _ mapping: ContentMapping) -> String {
        let step: Int64 = mapping.rounding >= 2 ? 1 : (mapping.rounding == 1 ? 10 : 100)
        guard step > 1 else { return money.description }
        let half = step / 2
        let rounded = money.cents >= 0 ? (money.cents + half) / step * step : -((-money.cents + half) / step * step)
        return Money(cents: rounded).description
    }
}
