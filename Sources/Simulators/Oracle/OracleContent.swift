import Foundation

/// What the ERP's records must say about one Shopify order's content (issue 24), computed from the
/// channel's final order body with rules written from Shopify's `Order` resource and the ERP
/// contract in docs/ARCHITECTURE.md — sharing no code with the product's decoder, mapping or planner:
/// - the sales order's customer is `shopify-customer-<customer.id>`, or for a guest
///   `shopify-guest-<email, lower case>` (external ids encoded as ``OracleExternalID``);
/// - its lines are the body's `line_items` with a `current_quantity` (else `quantity`) above zero,
///   matched by the channel line id (`custcol_driftless_line`): quantity, unit price (`rate`) and
///   amount = price × quantity − the line's `discount_allocations`, to the cent; the item is the
///   deployment's item for the SKU (`items`, configuration handed in);
/// - `otherRefNum` is the order's `name`; the shipping address's `addr1`/`zip`/`country` are the body's;
/// - each item fulfilment (by its tracking number) holds exactly its fulfilment's `line_items`
///   (line id → quantity).
public struct OracleContentExpectation: Hashable, Sendable {
    public struct Line: Hashable, Sendable {
        public var item: String?
        public var quantity: Int
        public var rateCents: Int
        public var amountCents: Int
    }

    public var orderKey: String
    public var salesOrderExternalID: String
    public var customerExternalID: String?
    public var name: String?
    /// Channel line id → line.
    public var lines: [String: Line]
    /// `addr1`, `zip`, `country` of the shipping address.
    public var shipTo: [String: String]
    /// Tracking number → (line id → quantity).
    public var shipments: [String: [String: Int]]

    /// The expectation of a Shopify REST order body; `items` maps SKUs to ERP item ids.
    public static func shopify(body: [UInt8], items: [String: String]) throws(ERPOracle.UnreadableBody) -> Self {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                throw ERPOracle.UnreadableBody(reason: "not a JSON object")
            }
            object = parsed
        } catch let error as ERPOracle.UnreadableBody {
            throw error
        } catch {
            throw ERPOracle.UnreadableBody(reason: "\(error)")
        }
        let text = ERPOracle.text
        guard let id = text(object["id"]) else { throw ERPOracle.UnreadableBody(reason: "no id") }
        var customer: String?
        if let person = object["customer"] as? [String: Any], let customerID = text(person["id"]) {
            customer = ["shopify", "customer", customerID].map(OracleExternalID.encode).joined(separator: "-")
        } else if let email = text(object["email"]), !email.isEmpty {
            customer = ["shopify", "guest", email.lowercased()].map(OracleExternalID.encode).joined(separator: "-")
        }
        var lines: [String: Line] = [:]
        for item in (object["line_items"] as? [[String: Any]]) ?? [] {
            guard let lineID = text(item["id"]) else { continue }
            let quantity = Int(text(item["current_quantity"]) ?? text(item["quantity"]) ?? "") ?? 0
            guard quantity > 0 else { continue }
            let rate = cents(text(item["price"]))
            let discount = ((item["discount_allocations"] as? [[String: Any]]) ?? []).reduce(0) {
                $0 + cents(text($1["amount"]))
            }
            lines[lineID] = Line(
                item: text(item["sku"]).flatMap { items[$0] }, quantity: quantity, rateCents: rate,
                amountCents: rate * quantity - discount)
        }
        var shipTo: [String: String] = [:]
        if let address = object["shipping_address"] as? [String: Any] {
            for (ours, theirs) in [("addr1", "address1"), ("zip", "zip"), ("country", "country_code")] {
                if let value = text(address[theirs]) { shipTo[ours] = value }
            }
        }
        var shipments: [String: [String: Int]] = [:]
        let cancelled = text(object["cancelled_at"]) != nil
        for fulfillment in (object["fulfillments"] as? [[String: Any]]) ?? [] where !cancelled {
            if let status = text(fulfillment["status"]), ["cancelled", "error", "failure"].contains(status) {
                continue
            }
            var shipped: [String: Int] = [:]
            for line in (fulfillment["line_items"] as? [[String: Any]]) ?? [] {
                if let lineID = text(line["id"]) {
                    shipped[lineID, default: 0] += Int(text(line["quantity"]) ?? "") ?? 0
                }
            }
            guard fulfillment["line_items"] != nil else { continue }
            for number in (fulfillment["tracking_numbers"] as? [Any] ?? []).compactMap(text) {
                shipments[number] = shipped
            }
        }
        return OracleContentExpectation(
            orderKey: "shopify:\(id)",
            salesOrderExternalID: OracleExternalID.salesOrder(channel: "shopify", orderID: id),
            customerExternalID: customer, name: text(object["name"]), lines: lines, shipTo: shipTo,
            shipments: shipments)
    }

    /// Cents of decimal text (numbers too), rounding half up beyond two decimals; 0 for nothing.
    static func cents(_ text: String?) -> Int {
        guard let text, let value = Decimal(string: text) else { return 0 }
        var scaled = value * 100
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        return NSDecimalNumber(decimal: rounded).intValue
    }
}
