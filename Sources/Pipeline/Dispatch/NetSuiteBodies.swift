import Foundation
import OrderModel

/// The request bodies Driftless sends NetSuite, one function per record type. Each says only what
/// makes the operation (the references, the custom fields of ``NetSuiteFields``, the package lines
/// of a fulfilment); the order's content (customer, lines, addresses, amounts) is added here per
/// record type, separately from how the operation is sent (``ERPSync``).
enum NetSuiteBodies {
    /// A reference to another record: `{"id": "…"}`.
    struct Reference: Encodable, Sendable {
        var id: String
    }

    /// A sublist: `{"items": […]}`.
    struct Sublist<Item: Encodable & Sendable>: Encodable, Sendable {
        var items: [Item]
    }

    /// The sales order upsert: `orderStatus` A/B (nil: leave it as it is, for an order only made so
    /// that an action can follow), the channel's order id, the version and the order link.
    struct SalesOrder: Encodable, Sendable {
        var orderStatus: Reference?
        var otherRefNum: String
        var memo: String
        var order: String
        var version: String

        enum CodingKeys: String, CodingKey {
            case orderStatus, otherRefNum, memo
            case order = "custbody_driftless_order"
            case version = "custbody_driftless_version"
        }
    }

    static func salesOrder(_ effect: ERPEffect, orderStatus: ERPStatusCode?) -> SalesOrder {
        SalesOrder(
            orderStatus: orderStatus.map { Reference(id: $0.rawValue) },
            otherRefNum: effect.content?.name ?? effect.orderKey.orderID,
            memo: "driftless \(effect.orderKey)", order: salesOrderExternalID(effect), version: String(effect.version))
    }

    /// A customer deposit for the sales order (its `salesOrder` field), carrying the capture.
    struct CustomerDeposit: Encodable, Sendable {
        var salesOrder: Reference
        var order: String
        var effect: String
        var paymentReference: String?

        enum CodingKeys: String, CodingKey {
            case salesOrder
            case order = "custbody_driftless_order"
            case effect = "custbody_driftless_effect"
            case paymentReference = "custbody_driftless_payment_ref"
        }
    }

    static func customerDeposit(_ effect: ERPEffect, salesOrderID: String) -> CustomerDeposit {
        CustomerDeposit(
            salesOrder: Reference(id: salesOrderID), order: salesOrderExternalID(effect), effect: effect.id,
            paymentReference: effect.paymentReference)
    }

    /// An item fulfilment made from the sales order: its tracking numbers on the `package` lines; a
    /// fulfilment that leaves order lines open says so in its `item` lines. With the order's content
    /// the `item` lines are the shipment's own (``ERPRecordContent/fulfilmentContent(_:tracking:mapping:)``);
    /// without it, one line not received stands for the lines left open.
    struct ItemFulfillment: Encodable, Sendable {
        struct Package: Encodable, Sendable {
            var packageTrackingNumber: String
        }
        struct Line: Encodable, Sendable {
            var itemReceive: Bool
        }
        var externalId: String
        var order: String
        var effect: String
        var package: Sublist<Package>
        var item: Sublist<Line>?

        enum CodingKeys: String, CodingKey {
            case externalId, package, item
            case order = "custbody_driftless_order"
            case effect = "custbody_driftless_effect"
        }
    }

    static func itemFulfillment(_ effect: ERPEffect, contentHasLines: Bool) -> ItemFulfillment {
        ItemFulfillment(
            externalId: effect.externalID, order: salesOrderExternalID(effect), effect: effect.id,
            package: Sublist(items: effect.trackingNumbers.map { .init(packageTrackingNumber: $0) }),
            item: effect.leavesLinesOpen == true && !contentHasLines
                ? Sublist(items: [.init(itemReceive: false)]) : nil)
    }

    /// The sales order's new lines after a channel edit (`salesOrderLines`): the content's lines,
    /// addresses and digest, with the order link; `orderStatus` is left as it is.
    struct SalesOrderLines: Encodable, Sendable {
        var order: String

        enum CodingKeys: String, CodingKey {
            case order = "custbody_driftless_order"
        }
    }

    static func salesOrderLines(_ effect: ERPEffect) -> SalesOrderLines {
        SalesOrderLines(order: salesOrderExternalID(effect))
    }

    /// A return authorization made from the sales order, or a credit memo made from the return
    /// authorization (with the channel's refund id).
    struct Transformed: Encodable, Sendable {
        var externalId: String
        var order: String
        var effect: String
        var refundID: String?

        enum CodingKeys: String, CodingKey {
            case externalId
            case order = "custbody_driftless_order"
            case effect = "custbody_driftless_effect"
            case refundID = "custbody_driftless_refund_id"
        }
    }

    static func returnAuthorization(_ effect: ERPEffect) -> Transformed {
        Transformed(externalId: effect.externalID, order: salesOrderExternalID(effect), effect: effect.id)
    }

    static func creditMemo(_ effect: ERPEffect) -> Transformed {
        Transformed(
            externalId: effect.externalID, order: salesOrderExternalID(effect), effect: effect.id,
            refundID: effect.refundID)
    }

    /// The sales order external id of the effect's order (`so-<channel>-<order id>`).
    static func salesOrderExternalID(_ effect: ERPEffect) -> String {
        ERPEffect.externalID("so", effect.orderKey.channel.rawValue, effect.orderKey.orderID)
    }

    static func encode(_ body: some Encodable) -> Data? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try? encoder.encode(body)
    }

    /// `body` encoded with the record's `content` fields (``ERPRecordContent``) added; a field the
    /// body sets itself keeps the body's value.
    static func encode(_ body: some Encodable, adding content: [String: Any]) -> Data? {
        guard let data = encode(body) else { return nil }
        guard !content.isEmpty else { return data }
        guard var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        object.merge(content) { own, _ in own }
        return try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }
}
