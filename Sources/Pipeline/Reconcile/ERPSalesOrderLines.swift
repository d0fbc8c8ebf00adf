import Foundation
import OrderModel

/// The lines and amounts of an ERP sales order as a GET of the record shows them (issue 24:
/// reconciliation compares content): the `item` sublist's lines (`custcol_driftless_line`, `item`,
/// `quantity`, `rate`, `amount`), `shippingCost` and the total dispatch wrote
/// (`custbody_driftless_total`).
///
/// NetSuite's REST record API returns a sublist inline as `{"items": [ … ]}` when the record is read
/// with `expandSubResources=true` ("Getting a Record Instance", SuiteTalk REST Web Services); the ERP
/// simulator keeps sublists as their JSON text, so both an object and a JSON string are read.
struct ERPSalesOrderLines: Hashable, Sendable {
    /// One item line.
    struct Line: Hashable, Sendable {
        /// The channel line id (`custcol_driftless_line`), when the line carries one.
        var lineID: String?
        /// The item: its internal id (`{"id"}`) or external id (`{"externalId"}`, the SKU).
        var itemID: String?
        var itemExternalID: String?
        var quantity: Int
        var rate: Money?
        var amount: Money?
    }

    var lines: [Line]
    var shippingCost: Money?
    var total: Money?
    /// False when the answer held no `item` sublist to read (NetSuite answers a record read without
    /// `expandSubResources` with a link in its place): its lines are unknown, not empty.
    var sublistRead = true

    /// The content of a sales order GET body; nil when the body is not a JSON object.
    static func read(_ body: Data) -> ERPSalesOrderLines? {
        guard let order = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { return nil }
        let listed = object(order["item"])?["items"] as? [[String: Any]]
        let sublist = listed ?? []
        let lines = sublist.map { fields -> Line in
            let item = object(fields["item"])
            return Line(
                lineID: text(fields[ERPRecordContent.lineField]), itemID: item.flatMap { text($0["id"]) },
                itemExternalID: item.flatMap { text($0["externalId"]) },
                quantity: text(fields["quantity"]).flatMap { Int($0) ?? Double($0).map { Int($0) } } ?? 0,
                rate: text(fields["rate"]).flatMap { Money($0) }, amount: text(fields["amount"]).flatMap { Money($0) })
        }
        return ERPSalesOrderLines(
            lines: lines, shippingCost: text(order["shippingCost"]).flatMap { Money($0) },
            total: text(order["custbody_driftless_total"]).flatMap { Money($0) }, sublistRead: listed != nil)
    }

    /// A JSON object, or the object a JSON string holds.
    static func object(_ value: Any?) -> [String: Any]? {
        if let object = value as? [String: Any] { return object }
        guard let text = value as? String else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    static func text(_ value: Any?) -> String? {
        switch value {
        case let string as String: string
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }
}
