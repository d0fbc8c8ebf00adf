import Foundation
import OrderModel

/// One page of the ERP's sales orders modified in a reconciliation window (the NetSuite REST
/// collection answer to `q=lastModifiedDate ON_OR_AFTER "…"`): for each, the order key behind its
/// external id (nil for a sales order another integration owns) and its last modification.
public struct ERPModifiedSalesOrders: Sendable {
    /// One sales order of the page.
    public struct Item: Sendable, Hashable {
        /// The ERP's internal id.
        public var id: String
        /// The channel order it belongs to (from `externalId` `so-<channel>-<order>`); nil when not ours.
        public var key: OrderKey?
        /// `lastModifiedDate`; nil when the answer does not carry it.
        public var modified: Date?
    }

    /// The sales orders, in the ERP's order.
    public var items: [Item]
    /// Whether more pages follow (`hasMore`).
    public var hasMore: Bool
}

extension ERPViewReader {
    /// One page (`limit` at `offset`) of the sales orders modified at or after `since`. NetSuite's
    /// collection items may carry only the id and links: a sales order listed without its `externalId`
    /// is read by id (one more call each). Throttling and transient failures are handled as for views.
    public func modifiedSalesOrders(since: Date, limit: Int, offset: Int) async throws -> ERPModifiedSalesOrders {
        let type = ERPRecordType.salesOrder.rawValue
        let answer = await send(.modified(type: type, since: since, limit: limit, offset: offset))
        guard case .done = answer.outcome else { throw Self.error(answer.outcome) }
        guard let object = answer.body.flatMap(Self.object), let items = object["items"] as? [[String: Any]] else {
            throw ReconcileReadError.malformed(system: Self.system, detail: "sales order list without items")
        }
        var result: [ERPModifiedSalesOrders.Item] = []
        result.reserveCapacity(items.count)
        for var item in items {
            guard let id = Self.text(item["id"]) else {
                throw ReconcileReadError.malformed(system: Self.system, detail: "sales order list item without id")
            }
            if item["externalId"] == nil {
                let record = await send(.record(type: type, id: id))
                if case .permanent(404, _, _) = record.outcome {  // deleted since it was listed
                    result.append(ERPModifiedSalesOrders.Item(id: id, key: nil, modified: nil))
                    continue
                }
                guard case .done = record.outcome, let full = record.body.flatMap(Self.object) else {
                    throw Self.error(record.outcome)
                }
                item = full
            }
            result.append(
                ERPModifiedSalesOrders.Item(
                    id: id, key: Self.text(item["externalId"]).flatMap(SalesOrderExternalID.orderKey),
                    modified: Self.text(item["lastModifiedDate"]).flatMap(RFC3339.parse)))
        }
        return ERPModifiedSalesOrders(items: result, hasMore: object["hasMore"] as? Bool ?? false)
    }

    static func object(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    static func text(_ value: Any?) -> String? {
        switch value {
        case let text as String: text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }
}
