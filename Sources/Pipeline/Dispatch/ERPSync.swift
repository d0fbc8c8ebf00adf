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

    /// The ERP's view of `key`: ``views(of:through:)`` for one order.
    public func view(
        of key: OrderKey, through: (Read) async -> (outcome: ERPOutcome, body: Data?)
    ) async -> ViewResult {
        switch await views(of: [key], through: through) {
        case .success(let views): views[key].map(ViewResult.found) ?? .absent
        case .failure(let outcome): .failed(outcome)
        }
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
