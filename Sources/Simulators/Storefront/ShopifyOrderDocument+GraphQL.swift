import Foundation

extension ShopifyOrderDocument {
    /// The order as the GraphQL Admin API's `Order` node (the fields the `orders` query asks for).
    func graphQLNode() -> [String: Any] {
        func orNull(_ value: String?) -> Any { value ?? NSNull() }
        let fulfillmentStatus: String
        switch self.fulfillmentStatus.value {
        case nil: fulfillmentStatus = "UNFULFILLED"
        case "partial": fulfillmentStatus = "PARTIALLY_FULFILLED"
        case let other?: fulfillmentStatus = other.uppercased()
        }
        let fulfillments: [[String: Any]] = fulfillments.map { f in
            [
                "id": "gid://shopify/Fulfillment/\(f.id)", "status": f.status.uppercased(),
                "trackingInfo": f.trackingNumbers.map { ["company": f.trackingCompany, "number": $0] },
                "fulfillmentLineItems": Self.graphQLFulfillmentLines(f),
            ]
        }
        let transactions: [[String: Any]] = (transactions ?? []).map { t in
            [
                "id": "gid://shopify/OrderTransaction/\(t.id)", "kind": t.kind.uppercased(),
                "status": t.status.uppercased(), "gateway": t.gateway, "authorizationCode": t.authorization,
                "amountSet": ["shopMoney": ["amount": t.amount, "currencyCode": currency]],
            ]
        }
        // `Order.refunds` as the GraphQL Admin API documents it
        // (https://shopify.dev/docs/api/admin-graphql/latest/objects/Refund): a list of `Refund` with the
        // REST id as `legacyResourceId` (an UnsignedInt64, a string in JSON), `createdAt`, `note`,
        // `totalRefundedSet`, `transactions` (an `OrderTransactionConnection`, kind `REFUND`) and
        // `refundLineItems` (a connection of the refunded lines).
        let refunds: [[String: Any]] = refunds.map { r in
            let money: [String: Any] = ["shopMoney": ["amount": r.amount, "currencyCode": currency]]
            let transaction: [String: Any] = [
                "id": "gid://shopify/OrderTransaction/\(r.transactionId)", "kind": "REFUND", "status": "SUCCESS",
                "amountSet": money,
            ]
            return [
                "id": "gid://shopify/Refund/\(r.id)", "legacyResourceId": String(r.id), "createdAt": r.createdAt,
                "note": r.note, "totalRefundedSet": money,
                "transactions": ["edges": [["node": transaction]]], "refundLineItems": graphQLRefundLines(r),
            ]
        }
        let node: [String: Any] = [
            "id": adminGraphqlApiId, "legacyResourceId": String(id), "name": name, "createdAt": createdAt,
            "updatedAt": updatedAt, "cancelledAt": orNull(cancelledAt.value),
            "cancelReason": orNull(cancelReason.value?.uppercased()), "closedAt": orNull(closedAt.value),
            "displayFinancialStatus": financialStatus.uppercased(), "displayFulfillmentStatus": fulfillmentStatus,
            "returnStatus": returnStatus ?? "NO_RETURN", "currencyCode": currency,
            "fulfillments": fulfillments, "transactions": transactions, "refunds": refunds,
        ]
        return node.merging(graphQLContentFields()) { kept, _ in kept }
    }
}
