import Foundation
import OrderModel

/// Turns an `Order` node of the GraphQL Admin API into the REST-shaped order the webhooks carry (the
/// payload model stays REST-shaped: validate and translate read one shape). Display enums become the
/// REST values (`PAID` → `paid`, `UNFULFILLED` → null, `PARTIALLY_FULFILLED` → `partial`).
enum ShopifyGraphQLOrder {
    /// The REST-shaped JSON of `node`.
    /// - Throws: ``ReconcileReadError/malformed(system:detail:)`` when an id or timestamp is missing.
    static func snapshot(of node: [String: Any]) throws(ReconcileReadError) -> ChannelOrderSnapshot {
        guard let legacy = node["legacyResourceId"] as? String, let id = Int64(legacy),
            let updatedText = node["updatedAt"] as? String, let updatedAt = RFC3339.parse(updatedText),
            let financial = node["displayFinancialStatus"] as? String
        else { throw .malformed(system: "storefront", detail: "order node without id, updatedAt or financial status") }
        var order: [String: Any] = [
            "id": id, "updated_at": updatedText, "financial_status": financial.lowercased(),
            "fulfillment_status": fulfillmentStatus(node["displayFulfillmentStatus"] as? String),
            "cancelled_at": node["cancelledAt"] as? String ?? NSNull(),
            "cancel_reason": (node["cancelReason"] as? String)?.lowercased() ?? NSNull(),
            "closed_at": node["closedAt"] as? String ?? NSNull(),
        ]
        if let name = node["name"] as? String { order["name"] = name }
        if let created = node["createdAt"] as? String { order["created_at"] = created }
        if let currency = node["currencyCode"] as? String { order["currency"] = currency }
        if let returns = node["returnStatus"] as? String, returns != "NO_RETURN" { order["return_status"] = returns }
        let fulfillments = (node["fulfillments"] as? [[String: Any]] ?? []).map { f -> [String: Any] in
            let tracking = (f["trackingInfo"] as? [[String: Any]] ?? []).compactMap { $0["number"] as? String }
            let company = (f["trackingInfo"] as? [[String: Any]])?.first?["company"] as? String
            var rest: [String: Any] = [
                "id": numericID(f["id"]), "status": (f["status"] as? String)?.lowercased() ?? NSNull(),
                "tracking_company": company ?? NSNull(), "tracking_numbers": tracking,
            ]
            if let lines = ShopifyGraphQLContent.fulfillmentLines(f) { rest["line_items"] = lines }
            return rest
        }
        order["fulfillments"] = fulfillments
        order["transactions"] = (node["transactions"] as? [[String: Any]] ?? []).map { t -> [String: Any] in
            var rest: [String: Any] = [
                "id": numericID(t["id"]), "kind": (t["kind"] as? String)?.lowercased() ?? "",
                "status": (t["status"] as? String)?.lowercased() ?? NSNull(),
            ]
            if let gateway = t["gateway"] as? String { rest["gateway"] = gateway }
            if let code = t["authorizationCode"] as? String { rest["authorization"] = code }
            if let amount = ShopifyGraphQLContent.amount(t["amountSet"]) { rest["amount"] = amount }
            return rest
        }
        order["refunds"] = (node["refunds"] as? [[String: Any]] ?? []).map { refund(of: $0, orderID: id) }
        ShopifyGraphQLContent.add(node, to: &order)
        guard let data = try? JSONSerialization.data(withJSONObject: order, options: [.sortedKeys]) else {
            throw .malformed(system: "storefront", detail: "order \(id) not encodable")
        }
        return ChannelOrderSnapshot(
            key: OrderKey(channel: .shopify, orderID: String(id)), updatedAt: updatedAt, payload: Array(data))
    }

    /// A GraphQL `Refund` (Shopify's `Order.refunds`: `legacyResourceId`, `createdAt`, `note`,
    /// `transactions` and `refundLineItems` as connections) as the REST refund the webhooks carry:
    /// `id`, `order_id`, `created_at`, `note`, `transactions` (`kind`, `status`, `amount`) and
    /// `refund_line_items` (`restock_type`, and the line, quantity and subtotal when the node has
    /// them) — what the translator reads for the credit memo.
    static func refund(of node: [String: Any], orderID: Int64) -> [String: Any] {
        func nodes(_ connection: Any?) -> [[String: Any]] {
            ((connection as? [String: Any])?["edges"] as? [[String: Any]] ?? []).compactMap {
                $0["node"] as? [String: Any]
            }
        }
        let id: Any =
            (node["legacyResourceId"] as? String).flatMap { Int64($0) }.map { $0 as Any } ?? numericID(node["id"])
        var rest: [String: Any] = ["id": id, "order_id": orderID]
        if let created = node["createdAt"] as? String { rest["created_at"] = created }
        if let note = node["note"] as? String { rest["note"] = note }
        rest["transactions"] = nodes(node["transactions"]).map { t -> [String: Any] in
            var transaction: [String: Any] = [
                "id": numericID(t["id"]), "kind": (t["kind"] as? String)?.lowercased() ?? "refund",
                "status": (t["status"] as? String)?.lowercased() ?? NSNull(),
            ]
            let money = ((t["amountSet"] as? [String: Any])?["shopMoney"] as? [String: Any])
            if let amount = money?["amount"] as? String { transaction["amount"] = amount }
            return transaction
        }
        rest["refund_line_items"] = nodes(node["refundLineItems"]).map(ShopifyGraphQLContent.refundLine)
        return rest
    }

    static func fulfillmentStatus(_ display: String?) -> Any {
        switch display {
        case nil, "UNFULFILLED", "PENDING_FULFILLMENT", "OPEN", "SCHEDULED", "ON_HOLD", "IN_PROGRESS": NSNull()
        case "PARTIALLY_FULFILLED": "partial"
        case let other?: other.lowercased()
        }
    }

    /// `gid://shopify/Fulfillment/123` → 123 (the REST id).
    static func numericID(_ value: Any?) -> Any {
        guard let text = value as? String else { return NSNull() }
        let last = text.split(separator: "/").last.map(String.init) ?? text
        return Int64(last).map { $0 as Any } ?? last
    }
}
