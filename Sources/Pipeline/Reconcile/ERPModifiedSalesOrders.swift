import Foundation
import OrderModel

/// One page of the ERP's sales orders modified in a reconciliation window (a SuiteQL page of
/// `transaction` rows of type `SalesOrd`): for each, the order key behind its
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
    /// One page (`limit` at `offset`) of the sales orders modified at or after `since`, from one
    /// SuiteQL query (`transaction` rows of type `SalesOrd`, `lastmodifieddate >= since`, ordered
    /// by modification and id): external id and modification come with the rows, so no record is
    /// read by id. Throttling and transient failures are handled as for views.
    public func modifiedSalesOrders(since: Date, limit: Int, offset: Int) async throws -> ERPModifiedSalesOrders {
        let query =
            "SELECT id, externalid, lastmodifieddate FROM transaction WHERE type = 'SalesOrd' "
            + "AND lastmodifieddate >= \(SuiteQLText.literal(RFC3339.format(since))) ORDER BY lastmodifieddate, id"
        let answer = await send(.suiteQL(query: query, limit: limit, offset: offset))
        guard case .done = answer.outcome else { throw Self.error(answer.outcome) }
        guard let body = answer.body, let page = try? JSONDecoder().decode(SuiteQLPage<TransactionRow>.self, from: body)
        else {
            throw ReconcileReadError.malformed(system: Self.system, detail: "SuiteQL page of sales orders not readable")
        }
        let items = page.items.map { row in
            ERPModifiedSalesOrders.Item(
                id: row.id, key: row.externalID.flatMap(SalesOrderExternalID.orderKey),
                modified: row.lastModified.flatMap(RFC3339.parse))
        }
        return ERPModifiedSalesOrders(items: items, hasMore: page.hasMore)
    }
}
