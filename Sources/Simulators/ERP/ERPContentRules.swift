import Foundation
import OrderModel

/// What NetSuite refuses about a record's content (issue 24), checked before a write lands:
/// - a new sales order needs a customer (`entity`) and at least one item line (NetSuite answers
///   "Please enter value(s) for: Customer" / "You must enter at least one line item for this
///   transaction"); checked when ``ERPStore/requiresOrderContent`` is on;
/// - an item fulfilment's lines must be lines of its sales order, and what all fulfilments of a
///   line ship must not exceed the line's ordered quantity (NetSuite: "You cannot fulfill more than
///   the quantity remaining"). Lines are matched by the custom column `custcol_driftless_line`;
///   a fulfilment without an `item` sublist (or whose lines lack that column) is not checked.
/// (Oracle NetSuite Help: "Sales Orders", "Item Fulfillment"; SuiteTalk REST record API.)
enum ERPContentRules {
    static let lineField = "custcol_driftless_line"

    /// The refusal of `write`, or nil when its content is acceptable.
    static func refusal(_ write: ERPRoutes.Write, store: ERPStore) async -> ERPWriteResult? {
        switch write.type {
        case .salesOrder:
            guard await store.requiresOrderContent else { return nil }
            let creates: Bool
            switch write.operation {
            case .create: creates = true
            case .upsert: creates = await store.find(.salesOrder, id: write.id ?? "") == nil
            default: creates = false
            }
            guard creates else { return nil }
            if (write.body.fields["entity"] ?? "").isEmpty {
                return .failed(status: 400, code: "USER_ERROR", detail: "Please enter value(s) for: Customer.")
            }
            if lines(write.body.fields["item"]).isEmpty {
                return .failed(
                    status: 400, code: "USER_ERROR",
                    detail: "You must enter at least one line item for this transaction.")
            }
            return nil
        case .itemFulfillment:
            // Lines without the line column (a NetSuite body may name lines by `line` or `itemReceive` only) are not checked.
            let shipping = lines(write.body.fields["item"]).filter { !$0.id.isEmpty }
            guard !shipping.isEmpty else { return nil }
            let parentID = write.body.createdFrom ?? (write.operation == .transform ? write.id : nil) ?? ""
            guard let parent = await store.find(.salesOrder, id: parentID) else { return nil }
            var ordered: [String: Int] = [:]
            for line in lines(parent.fields["item"]) { ordered[line.id, default: 0] += line.quantity }
            var shipped: [String: Int] = [:]
            for other in await store.records(.itemFulfillment, createdFrom: parent.id)
            where other.externalId == nil || other.externalId != externalID(of: write) {
                for line in lines(other.fields["item"]) { shipped[line.id, default: 0] += line.quantity }
            }
            for line in shipping {
                guard let quantity = ordered[line.id] else {
                    return .failed(
                        status: 400, code: "USER_ERROR",
                        detail: "Line \(line.id) is not a line of sales order \(parent.id).")
                }
                shipped[line.id, default: 0] += line.quantity
                if shipped[line.id, default: 0] > quantity {
                    return .failed(
                        status: 400, code: "USER_ERROR",
                        detail:
                            "You cannot fulfill more than the quantity remaining: line \(line.id) ordered \(quantity), "
                            + "fulfilled \(shipped[line.id, default: 0]).")
                }
            }
            return nil
        default:
            return nil
        }
    }

    private static func externalID(of write: ERPRoutes.Write) -> String? {
        if let id = write.id, id.hasPrefix("eid:") { return String(id.dropFirst(4)) }
        return write.body.externalId
    }

    /// The `(line id, quantity)` of a sublist's JSON text (`{"items": [ … ]}`).
    static func lines(_ text: String?) -> [(id: String, quantity: Int)] {
        guard let text, let data = text.data(using: .utf8),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let items = object["items"] as? [[String: Any]]
        else { return [] }
        return items.map { item in
            let id = (item[lineField] as? String) ?? (item[lineField] as? NSNumber)?.stringValue ?? ""
            let quantity = (item["quantity"] as? NSNumber)?.intValue ?? Int((item["quantity"] as? String) ?? "") ?? 0
            return (id, quantity)
        }
    }
}
