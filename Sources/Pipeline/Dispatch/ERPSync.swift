import Foundation
import OrderModel

/// Reads what the ERP shows for an order and applies ``ERPEffect``s, through an ``ERPClient``, in
/// NetSuite's terms (domain facts, "How the REST record API really behaves"): the sales order is
/// upserted by external id with `orderStatus` A/B, cancelled and closed by record actions; item
/// fulfilments and the return authorization are transforms of the sales order, credit memos
/// transforms of the return authorization; deposits refer to the order by `salesOrder`. Reads are
/// SuiteQL queries (one for the sales order, one for every record made for it). How each write is
/// made safe to repeat: see ``apply(_:salesOrderID:returnAuthorizationID:eventID:recheck:)``.
public struct ERPSync: Sendable {
    /// What reading an order's ERP view gave.
    public enum ViewResult: Sendable, Equatable {
        /// The sales order and its related records.
        case found(ERPView)
        /// The ERP has no sales order for the order yet.
        case absent
        /// A request failed; the outcome says how (retry, pause, …).
        case failed(ERPOutcome)
    }

    let client: ERPClient
    /// The sales order's custom body field holding the canonical version whose status was written.
    static let versionField = NetSuiteFields.version
    /// Rows a SuiteQL page holds at most.
    static let pageSize = 1000

    public init(client: ERPClient) {
        self.client = client
    }

    /// One read the view is made of.
    public enum Read: Sendable, Equatable {
        /// A record by id (`eid:<external id>` for an external id), when its fields are needed.
        case record(type: String, id: String)
        /// One page of a SuiteQL query.
        case suiteQL(query: String, limit: Int, offset: Int)
    }

    /// Sends one read to the ERP.
    public func send(_ read: Read) async -> (outcome: ERPOutcome, body: Data?) {
        switch read {
        case .record(let type, let id): await client.read(type, id: id)
        case .suiteQL(let query, let limit, let offset): await client.suiteQL(query, limit: limit, offset: offset)
        }
    }

    /// The ERP's view of `key`, each read sent once (see ``view(of:through:)``).
    public func view(of key: OrderKey) async -> ViewResult {
        await view(of: key) { await send($0) }
    }

    /// The ERP's view of `key` from two SuiteQL queries: the sales order by external id (status,
    /// version), then every transaction made for it — deposits by `salesorder`, transforms by
    /// `createdfrom`, and what Driftless made by its order field (credit memos hang off the return
    /// authorization) — with their payment references, tracking numbers and refund ids. Dimensions
    /// are left at their defaults (the planner decides from the records).
    ///
    /// Each read goes through `through`, which may retry it; the first read `through` gives up on
    /// ends the view with its outcome.
    public func view(
        of key: OrderKey, through: (Read) async -> (outcome: ERPOutcome, body: Data?)
    ) async -> ViewResult {
        let salesOrder = ERPEffect.externalID("so", key.channel.rawValue, key.orderID)
        let eid = SuiteQLText.literal(salesOrder)
        let head = await rows(
            "SELECT id, status, \(NetSuiteFields.version), \(ERPRecordContent.linesDigestField) FROM transaction "
                + "WHERE type = '\(TransactionRow.Kind.salesOrder)' AND externalid = \(eid)", through: through)
        guard case .success(let orders) = head else { return head.failure.map(ViewResult.failed) ?? .absent }
        guard let order = orders.first else { return .absent }
        let status = order.status.flatMap(ERPStatusCode.init(rawValue:))
        var view = ERPView(
            salesOrderID: order.id, channelKey: key, status: status ?? .pendingApproval, dimensions: OrderDimensions())
        view.appliedVersion = order.version.flatMap { Int64($0) }
        view.linesDigest = order.linesDigest
        let id = SuiteQLText.literal(order.id)
        let related = await rows(
            "SELECT id, type, createdfrom, salesorder, trackingnumberlist, \(NetSuiteFields.effect), "
                + "\(NetSuiteFields.paymentReference), \(NetSuiteFields.refundID) FROM transaction "
                + "WHERE salesorder = \(id) OR createdfrom = \(id) OR \(NetSuiteFields.order) = \(eid)",
            through: through)
        guard case .success(let records) = related else {
            return related.failure.map(ViewResult.failed) ?? .absent
        }
        for row in records where row.id != order.id {
            switch row.type {
            case TransactionRow.Kind.customerDeposit:
                view.records.insert(.customerDeposit)
                if let reference = row.paymentReference { view.paymentReferences.append(reference) }
            case TransactionRow.Kind.itemFulfillment:
                view.records.insert(.itemFulfillment)
                view.trackingNumbers += (row.trackingNumbers ?? "").split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
            case TransactionRow.Kind.returnAuthorization:
                view.records.insert(.returnAuthorization)
                if view.returnAuthorizationID == nil { view.returnAuthorizationID = row.id }
            case TransactionRow.Kind.creditMemo:
                view.records.insert(.creditMemo)
                if let refund = row.refundID { view.creditMemoIDs.append(refund) }
            case TransactionRow.Kind.invoice: view.records.insert(.invoice)
            case TransactionRow.Kind.cashSale: view.records.insert(.cashSale)
            default: break
            }
        }
        return .found(view)
    }

    /// How reading the rows of a query ended.
    enum Rows {
        case success([TransactionRow])
        case failed(ERPOutcome)

        var failure: ERPOutcome? {
            if case .failed(let outcome) = self { return outcome }
            return nil
        }
    }

    /// Every row of `query`, page by page (`limit`/`offset` until `hasMore` is false).
    func rows(_ query: String, through: (Read) async -> (outcome: ERPOutcome, body: Data?)) async -> Rows {
        var all: [TransactionRow] = []
        var offset = 0
        while true {
            let (outcome, body) = await through(.suiteQL(query: query, limit: Self.pageSize, offset: offset))
            guard case .done = outcome else { return .failed(outcome) }
            guard let body, let page = try? JSONDecoder().decode(SuiteQLPage<TransactionRow>.self, from: body) else {
                return .failed(.transient(status: nil, retryAfter: nil, detail: "SuiteQL answer not readable"))
            }
            all += page.items
            guard page.hasMore, !page.items.isEmpty else { return .success(all) }
            offset += page.items.count
        }
    }
}
