import Foundation

/// An independent oracle of the ERP effects a channel order needs, computed from the channel's
/// **final order body** with rules written from the channels' documentation (see
/// `/work/shared/reference/domain-facts.md` and Shopify's REST `Order` resource) — never from
/// Driftless's mapping matrix, state machine or effect planner, so a test judging the product with it
/// does not judge the product by itself.
///
/// Rules (Shopify):
/// - the sales order exists, with the status of ``shopifyStatus(financialStatus:fulfillmentStatus:cancelled:closed:returnStarted:extraFinancialStatuses:)``;
/// - a customer deposit per successful `capture`/`sale` transaction (status `success`, or none given),
///   referenced by the gateway's `authorization` when it has one, else the transaction id;
/// - an item fulfilment per tracking number of a fulfilment that did not fail (`status` other than
///   `cancelled`, `error`, `failure`; `tracking_numbers`, or the older `tracking_number` when the list
///   is absent) — none when the order is cancelled;
/// - a return authorization once a return started (`return_status` other than `NO_RETURN`, or a
///   refund line restocked as `return`) or a refund exists: NetSuite makes a credit memo only by
///   transforming a return authorization (or an invoice, which Driftless does not make);
/// - a credit memo per refund id.
///
/// Statuses are judged in NetSuite's terms (Oracle's SuiteTalk REST documentation; domain facts,
/// "How the REST record API really behaves"): an integration sets only `orderStatus` A/B, cancels
/// and closes by record actions, and the ERP derives the rest from item fulfilments and billing.
///
/// Rules (Amazon SP-API): the sales order with the status of ``amazonStatus(_:)``; Amazon captures the
/// payment when it ships, per order and without a gateway transaction, so a shipped (or partly
/// shipped) order needs one deposit referenced by the Amazon order id; Amazon orders carry no
/// tracking numbers, refunds or returns in `getOrders`.
public enum ERPOracle {
    /// A body the oracle cannot read.
    public struct UnreadableBody: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { "unreadable order body: \(reason)" }
    }

    // MARK: Shopify

    /// The expectation for a Shopify order (REST `Order` JSON, as webhooks carry it).
    /// `extraFinancialStatuses`: statuses outside Shopify's documented list that a deployment maps
    /// (financial status → sales order code), e.g. the demo's mapping fix.
    public static func expectation(
        shopifyBody body: [UInt8], extraFinancialStatuses: [String: String] = [:]
    ) throws(UnreadableBody) -> OracleExpectation {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                throw UnreadableBody(reason: "not a JSON object")
            }
            object = parsed
        } catch let error as UnreadableBody {
            throw error
        } catch {
            throw UnreadableBody(reason: "\(error)")
        }
        guard let id = text(object["id"]), !id.isEmpty else { throw UnreadableBody(reason: "no id") }
        let financial = text(object["financial_status"]) ?? ""
        let fulfillmentStatus = text(object["fulfillment_status"])
        let cancelled = text(object["cancelled_at"]) != nil || fulfillmentStatus == "restocked"
        let closed = text(object["closed_at"]) != nil
        let refunds = (object["refunds"] as? [[String: Any]]) ?? []
        let returnStatus = text(object["return_status"])
        let restockedAsReturn = refunds.contains { refund in
            ((refund["refund_line_items"] as? [[String: Any]]) ?? []).contains { text($0["restock_type"]) == "return" }
        }
        let returnStarted = (returnStatus.map { $0 != "NO_RETURN" } ?? false) || restockedAsReturn

        var effects = [OracleEffect(.salesOrder)]
        for transaction in (object["transactions"] as? [[String: Any]]) ?? [] {
            let kind = text(transaction["kind"])
            let status = text(transaction["status"])
            guard kind == "capture" || kind == "sale", status == nil || status == "success" else { continue }
            let reference = text(transaction["authorization"]).flatMap { $0.isEmpty ? nil : $0 }
            guard let reference = reference ?? text(transaction["id"]) else { continue }
            effects.append(OracleEffect(.customerDeposit, reference))
        }
        if !cancelled {
            for fulfillment in (object["fulfillments"] as? [[String: Any]]) ?? [] {
                if let status = text(fulfillment["status"]), ["cancelled", "error", "failure"].contains(status) {
                    continue
                }
                let numbers: [String]
                if let list = fulfillment["tracking_numbers"] as? [Any] {
                    numbers = list.compactMap(text)
                } else {
                    numbers = text(fulfillment["tracking_number"]).map { [$0] } ?? []
                }
                for number in numbers where !number.isEmpty { effects.append(OracleEffect(.itemFulfillment, number)) }
            }
        }
        if returnStarted || !refunds.isEmpty { effects.append(OracleEffect(.returnAuthorization)) }
        for refund in refunds {
            if let refundID = text(refund["id"]) { effects.append(OracleEffect(.creditMemo, refundID)) }
        }
        let status = shopifyStatus(
            financialStatus: financial, fulfillmentStatus: fulfillmentStatus, cancelled: cancelled, closed: closed,
            returnStarted: returnStarted, fulfilled: effects.contains { $0.kind == .itemFulfillment },
            extraFinancialStatuses: extraFinancialStatuses)
        return OracleExpectation(
            orderKey: "shopify:\(id)",
            salesOrderExternalID: OracleExternalID.salesOrder(channel: "shopify", orderID: id),
            status: status, effects: effects,
            notes: status == nil ? ["financial_status \"\(financial)\" unknown to the oracle"] : [])
    }

    /// The expectation for a storefront simulator order.
    public static func expectation(
        shopify order: ShopifyOrderDocument, extraFinancialStatuses: [String: String] = [:]
    ) throws(UnreadableBody) -> OracleExpectation {
        let body: [UInt8]
        do { body = try order.jsonBytes() } catch { throw UnreadableBody(reason: "\(error)") }
        return try expectation(shopifyBody: body, extraFinancialStatuses: extraFinancialStatuses)
    }

    /// The sales order status NetSuite shows for a Shopify order, first rule that holds: cancelled →
    /// C (`@cancel`); fully refunded or closed (archived) → H (`@close`); item fulfilments made
    /// (`fulfilled`: tracking numbers to ship) → F when the order is fulfilled, D while partly (the
    /// fulfilments leave lines open); otherwise the approval: paid, partly paid, authorized, partly
    /// refunded or with a return started → B; pending, voided or expired → A. (Billed, G, needs an
    /// invoice or cash sale, which the integration does not make.) Nil for a financial status Shopify
    /// does not document (and `extra` does not name); `extra` maps such a status to a sales order code.
    public static func shopifyStatus(
        financialStatus: String, fulfillmentStatus: String?, cancelled: Bool, closed: Bool, returnStarted: Bool,
        fulfilled: Bool = false, extraFinancialStatuses extra: [String: String] = [:]
    ) -> String? {
        let known = [
            "pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded", "voided", "expired",
        ]
        guard known.contains(financialStatus) || extra[financialStatus] != nil else { return nil }
        if cancelled { return "C" }
        if financialStatus == "refunded" || closed { return "H" }
        if fulfilled { return fulfillmentStatus == "partial" ? "D" : "F" }
        switch financialStatus {
        case "paid", "partially_paid", "authorized", "partially_refunded": return "B"
        case "pending", "voided", "expired": return returnStarted ? "B" : "A"
        default:
            // A deployment's own status: what NetSuite can show for it before fulfilment (A or B;
            // C and H come from actions).
            guard let code = extra[financialStatus] else { return nil }
            return ["A", "C", "H"].contains(code) ? code : "B"
        }
    }

    // MARK: Amazon

    /// The expectation for an Amazon order (`getOrders` JSON).
    public static func expectation(amazonBody body: [UInt8]) throws(UnreadableBody) -> OracleExpectation {
        let object: [String: Any]?
        do { object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] } catch {
            throw UnreadableBody(reason: "\(error)")
        }
        guard let object, let id = text(object["AmazonOrderId"]), !id.isEmpty else {
            throw UnreadableBody(reason: "no AmazonOrderId")
        }
        return amazonExpectation(id: id, orderStatus: text(object["OrderStatus"]) ?? "")
    }

    /// The expectation for a marketplace simulator order.
    public static func expectation(amazon order: AmazonOrderDocument) -> OracleExpectation {
        amazonExpectation(id: order.AmazonOrderId, orderStatus: order.OrderStatus)
    }

    private static func amazonExpectation(id: String, orderStatus: String) -> OracleExpectation {
        var effects = [OracleEffect(.salesOrder)]
        if ["PartiallyShipped", "Shipped", "InvoiceUnconfirmed"].contains(orderStatus) {
            effects.append(OracleEffect(.customerDeposit, id))
        }
        let status = amazonStatus(orderStatus)
        return OracleExpectation(
            orderKey: "amazon:\(id)", salesOrderExternalID: OracleExternalID.salesOrder(channel: "amazon", orderID: id),
            status: status, effects: effects,
            notes: status == nil ? ["OrderStatus \"\(orderStatus)\" unknown to the oracle"] : [])
    }

    /// The sales order status NetSuite shows for an SP-API `OrderStatus`: Pending /
    /// PendingAvailability → A; Unshipped, PartiallyShipped, Shipped, InvoiceUnconfirmed → B
    /// (approved: `getOrders` carries no tracking numbers, so no item fulfilment is made, and
    /// NetSuite derives D/F only from fulfilments); Canceled / Unfulfillable → C.
    public static func amazonStatus(_ orderStatus: String) -> String? {
        switch orderStatus {
        case "Pending", "PendingAvailability": "A"
        case "Unshipped", "PartiallyShipped", "Shipped", "InvoiceUnconfirmed": "B"
        case "Canceled", "Unfulfillable": "C"
        default: nil
        }
    }

    /// A JSON scalar as text (numbers as their digits); nil for null, objects and arrays.
    static func text(_ value: Any?) -> String? {
        switch value {
        case let string as String: string
        case let int as Int: String(int)
        case let int as Int64: String(int)
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }
}
