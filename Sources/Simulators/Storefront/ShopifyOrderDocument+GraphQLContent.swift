import Foundation

extension ShopifyOrderDocument {
    /// The content fields of the GraphQL Admin API's `Order` node that the reconciliation query asks for
    /// (https://shopify.dev/docs/api/admin-graphql/latest/objects/Order): `email`, `customer`
    /// (`legacyResourceId`, `email`, `firstName`, `lastName`; null for a guest), `lineItems` and
    /// `shippingLines` (connections of `LineItem` / `ShippingLine`: money as `MoneyBag`
    /// `{shopMoney {amount currencyCode}}`, `discountAllocations[].allocatedAmountSet`, `taxLines[]`
    /// with `priceSet` and `rate`), `shippingAddress` / `billingAddress` (`MailingAddress`, the country
    /// as `countryCodeV2`) and the totals (`subtotalPriceSet`, `totalTaxSet`, `totalDiscountsSet`,
    /// `totalPriceSet`).
    func graphQLContentFields() -> [String: Any] {
        func money(_ amount: String) -> [String: Any] {
            ["shopMoney": ["amount": amount, "currencyCode": currency]]
        }
        func taxLines(_ lines: [TaxLine]?) -> [[String: Any]] {
            (lines ?? []).map { ["title": $0.title, "rate": $0.rate, "priceSet": money($0.price)] }
        }
        func address(_ a: Address) -> [String: Any] {
            [
                "firstName": a.firstName, "lastName": a.lastName, "address1": a.address1, "city": a.city,
                "province": a.province, "provinceCode": a.provinceCode, "zip": a.zip, "country": a.country,
                "countryCodeV2": a.countryCode, "phone": a.phone.value ?? NSNull(),
            ]
        }
        let lines: [[String: Any]] = lineItems.map { line in
            var node: [String: Any] = [
                "id": line.adminGraphqlApiId, "sku": line.sku, "title": line.title, "quantity": line.quantity,
                "currentQuantity": line.currentQuantity ?? line.quantity, "originalUnitPriceSet": money(line.price),
                "totalDiscountSet": money(line.totalDiscount), "taxLines": taxLines(line.taxLines),
            ]
            node["discountAllocations"] = (line.discountAllocations ?? []).map {
                ["allocatedAmountSet": money($0.amount)]
            }
            return ["node": node]
        }
        let shipping: [[String: Any]] = (shippingLines ?? []).map { line in
            [
                "node": [
                    "id": "gid://shopify/ShippingLine/\(line.id)", "code": line.code, "title": line.title,
                    "originalPriceSet": money(line.price), "discountAllocations": [] as [Any], "taxLines": [] as [Any],
                ] as [String: Any]
            ]
        }
        var fields: [String: Any] = [
            "email": email, "lineItems": ["edges": lines], "shippingLines": ["edges": shipping],
            "shippingAddress": address(shippingAddress), "billingAddress": address(billingAddress),
            "subtotalPriceSet": money(subtotalPrice), "totalTaxSet": money(totalTax),
            "totalDiscountsSet": money(totalDiscounts), "totalPriceSet": money(totalPrice),
        ]
        if let customer {
            fields["customer"] = [
                "id": "gid://shopify/Customer/\(customer.id)", "legacyResourceId": String(customer.id),
                "email": customer.email, "firstName": customer.firstName, "lastName": customer.lastName,
            ]
        } else {
            fields["customer"] = NSNull()
        }
        return fields
    }

    /// A fulfillment's `fulfillmentLineItems` connection (`FulfillmentLineItem`: `lineItem`, `quantity`).
    static func graphQLFulfillmentLines(_ fulfillment: Fulfillment) -> [String: Any] {
        let edges: [[String: Any]] = (fulfillment.lineItems ?? []).map { line in
            [
                "node": [
                    "id": "gid://shopify/FulfillmentLineItem/\(fulfillment.id * 100 + line.id % 100)",
                    "quantity": line.quantity,
                    "lineItem": ["id": "gid://shopify/LineItem/\(line.id)", "sku": line.sku],
                ] as [String: Any]
            ]
        }
        return ["edges": edges]
    }

    /// A refund's `refundLineItems` connection (`RefundLineItem`: `lineItem`, `quantity`,
    /// `restockType` as the enum, `subtotalSet`).
    func graphQLRefundLines(_ refund: Refund) -> [String: Any] {
        let edges: [[String: Any]] = (refund.refundLineItems ?? []).map { line in
            [
                "node": [
                    "id": "gid://shopify/RefundLineItem/\(line.id)", "quantity": line.quantity,
                    "restockType": line.restockType.uppercased(),
                    "lineItem": ["id": "gid://shopify/LineItem/\(line.lineItemId)"],
                    "subtotalSet": ["shopMoney": ["amount": line.subtotal, "currencyCode": currency]],
                ] as [String: Any]
            ]
        }
        return ["edges": edges]
    }
}
