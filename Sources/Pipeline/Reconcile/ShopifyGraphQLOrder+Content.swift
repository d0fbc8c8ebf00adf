import Foundation

/// The content half of ``ShopifyGraphQLOrder`` (issue 24): the `Order` node's customer, lines,
/// shipping lines, addresses and totals, its fulfillments' lines and its refunds' lines, turned into
/// the REST fields the webhooks carry (`customer`, `line_items`, `shipping_lines`, …), so the
/// snapshot's content reads like a webhook body's (``OrderModel/ShopifyOrderContent``) and
/// reconciliation can compare lines and totals with the ERP's.
///
/// GraphQL Admin API objects: `Order`, `LineItem`, `ShippingLine`, `MailingAddress`,
/// `FulfillmentLineItem`, `RefundLineItem` (https://shopify.dev/docs/api/admin-graphql/latest/objects/…);
/// money is a `MoneyBag` whose `shopMoney.amount` is decimal text. A field the node does not carry is
/// left out of the REST body (older API answers keep their status-only snapshot).
enum ShopifyGraphQLContent {
    /// The query's selection of the content fields (appended to the `orders` query's node).
    static let selection = """
        email customer { legacyResourceId email firstName lastName }
        lineItems(first: 100) { edges { node { id sku title quantity currentQuantity
          originalUnitPriceSet { shopMoney { amount } } totalDiscountSet { shopMoney { amount } }
          discountAllocations { allocatedAmountSet { shopMoney { amount } } }
          taxLines { title rate priceSet { shopMoney { amount } } } } } }
        shippingLines(first: 10) { edges { node { id code title originalPriceSet { shopMoney { amount } }
          discountAllocations { allocatedAmountSet { shopMoney { amount } } } } } }
        shippingAddress { \(addressFields) } billingAddress { \(addressFields) }
        subtotalPriceSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } }
        totalDiscountsSet { shopMoney { amount } } totalPriceSet { shopMoney { amount } }
        """
    static let addressFields =
        "firstName lastName address1 address2 city province provinceCode zip country countryCodeV2 phone"
    /// The fulfillment's lines (inside `fulfillments { … }`).
    static let fulfillmentSelection =
        "fulfillmentLineItems(first: 100) { edges { node { quantity lineItem { id sku } } } }"
    /// The refund's lines (inside `refundLineItems(first:) { edges { node { … } } }`).
    static let refundLineSelection = "quantity restockType lineItem { id } subtotalSet { shopMoney { amount } }"

    /// Adds the REST content fields of `node` to `order`.
    static func add(_ node: [String: Any], to order: inout [String: Any]) {
        if let email = node["email"] as? String { order["email"] = email }
        if let customer = node["customer"] as? [String: Any] {
            var rest: [String: Any] = [:]
            if let id = (customer["legacyResourceId"] as? String).flatMap({ Int64($0) }) { rest["id"] = id }
            for (from, to) in [("email", "email"), ("firstName", "first_name"), ("lastName", "last_name")] {
                if let value = customer[from] as? String { rest[to] = value }
            }
            order["customer"] = rest
        } else if node["customer"] is NSNull {
            order["customer"] = NSNull()
        }
        if let lines = node["lineItems"] { order["line_items"] = nodes(lines).map(lineItem) }
        if let lines = node["shippingLines"] { order["shipping_lines"] = nodes(lines).map(shippingLine) }
        for (from, to) in [("shippingAddress", "shipping_address"), ("billingAddress", "billing_address")] {
            if let address = node[from] as? [String: Any] { order[to] = self.address(address) }
        }
        for (from, to) in [
            ("subtotalPriceSet", "subtotal_price"), ("totalTaxSet", "total_tax"),
            ("totalDiscountsSet", "total_discounts"), ("totalPriceSet", "total_price"),
        ] {
            if let amount = amount(node[from]) { order[to] = amount }
        }
    }

    /// A fulfillment's REST `line_items` (`id` = the line item's id, `sku`, `quantity`); nil when the
    /// node does not carry them.
    static func fulfillmentLines(_ fulfillment: [String: Any]) -> [[String: Any]]? {
        guard let connection = fulfillment["fulfillmentLineItems"] else { return nil }
        return nodes(connection).map { line in
            let item = line["lineItem"] as? [String: Any] ?? [:]
            var rest: [String: Any] = [
                "id": ShopifyGraphQLOrder.numericID(item["id"]), "quantity": line["quantity"] as? Int ?? 0,
            ]
            if let sku = item["sku"] as? String { rest["sku"] = sku }
            return rest
        }
    }

    /// A refund line as REST `refund_line_items[]` (`line_item_id`, `quantity`, `subtotal`,
    /// `restock_type`); without its line item only the restock type (as before issue 24).
    static func refundLine(_ line: [String: Any]) -> [String: Any] {
        var rest: [String: Any] = ["restock_type": (line["restockType"] as? String)?.lowercased() ?? NSNull()]
        if let item = line["lineItem"] as? [String: Any] {
            rest["line_item_id"] = ShopifyGraphQLOrder.numericID(item["id"])
            rest["quantity"] = line["quantity"] as? Int ?? 0
            if let subtotal = amount(line["subtotalSet"]) { rest["subtotal"] = subtotal }
        }
        return rest
    }

    static func lineItem(_ line: [String: Any]) -> [String: Any] {
        var rest: [String: Any] = ["id": ShopifyGraphQLOrder.numericID(line["id"])]
        for key in ["sku", "title"] { if let value = line[key] as? String { rest[key] = value } }
        if let quantity = line["quantity"] as? Int { rest["quantity"] = quantity }
        if let current = line["currentQuantity"] as? Int { rest["current_quantity"] = current }
        if let price = amount(line["originalUnitPriceSet"]) { rest["price"] = price }
        if let discount = amount(line["totalDiscountSet"]) { rest["total_discount"] = discount }
        if let allocations = line["discountAllocations"] as? [[String: Any]] {
            rest["discount_allocations"] = allocations.compactMap { amount($0["allocatedAmountSet"]) }.map {
                ["amount": $0]
            }
        }
        if let taxes = line["taxLines"] as? [[String: Any]] { rest["tax_lines"] = taxes.map(taxLine) }
        return rest
    }

    static func shippingLine(_ line: [String: Any]) -> [String: Any] {
        var rest: [String: Any] = ["id": ShopifyGraphQLOrder.numericID(line["id"])]
        for key in ["code", "title"] { if let value = line[key] as? String { rest[key] = value } }
        if let price = amount(line["originalPriceSet"]) { rest["price"] = price }
        if let allocations = line["discountAllocations"] as? [[String: Any]] {
            rest["discount_allocations"] = allocations.compactMap { amount($0["allocatedAmountSet"]) }.map {
                ["amount": $0]
            }
        }
        if let taxes = line["taxLines"] as? [[String: Any]] { rest["tax_lines"] = taxes.map(taxLine) }
        return rest
    }

    static func taxLine(_ tax: [String: Any]) -> [String: Any] {
        var rest: [String: Any] = ["title": tax["title"] as? String ?? "tax"]
        if let rate = tax["rate"] { rest["rate"] = rate }
        if let price = amount(tax["priceSet"]) { rest["price"] = price }
        return rest
    }

    static func address(_ address: [String: Any]) -> [String: Any] {
        var rest: [String: Any] = [:]
        for (from, to) in [
            ("firstName", "first_name"), ("lastName", "last_name"), ("address1", "address1"),
            ("address2", "address2"), ("city", "city"), ("province", "province"), ("provinceCode", "province_code"),
            ("zip", "zip"), ("country", "country"), ("countryCodeV2", "country_code"), ("phone", "phone"),
        ] {
            if let value = address[from] { rest[to] = value }
        }
        return rest
    }

    /// `{shopMoney: {amount}}` → the amount text.
    static func amount(_ bag: Any?) -> String? {
        ((bag as? [String: Any])?["shopMoney"] as? [String: Any])?["amount"] as? String
    }

    /// The nodes of a connection (`{edges: [{node}]}`).
    static func nodes(_ connection: Any?) -> [[String: Any]] {
        ((connection as? [String: Any])?["edges"] as? [[String: Any]] ?? []).compactMap { $0["node"] as? [String: Any] }
    }
}
