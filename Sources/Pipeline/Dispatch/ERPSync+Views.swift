import Foundation
import OrderModel

extension ERPSync {
    /// Orders one pair of view queries covers at most (each `IN` list stays a few kilobytes).
    static let viewBatchSize = 100

    /// What reading several orders' views gave: each found order's view (an order missing from the
    /// map has no sales order yet), or the outcome of the first read `through` gave up on.
    public enum Views: Sendable, Equatable {
        case success([OrderKey: ERPView])
        case failure(ERPOutcome)
    }

    /// The ERP's views of `keys`, each read sent once (see ``views(of:through:)``).
    public func views(of keys: [OrderKey]) async -> Views {
        await views(of: keys) { await send($0) }
    }

    /// The ERP's views of `keys` from two SuiteQL queries per ``viewBatchSize`` orders (SuiteQL is
    /// how integrations read records in bulk — domain facts): the sales orders by external id
    /// (status, version, lines digest), then every transaction made for them — deposits by
    /// `salesorder`, transforms by `createdfrom`, and what Driftless made by its order field (credit
    /// memos hang off the return authorization) — with their payment references, tracking numbers
    /// and refund ids. Dimensions are left at their defaults (the planner decides from the records).
    ///
    /// Each read goes through `through`, which may retry it; the first read `through` gives up on
    /// ends the reading with its outcome.
    public func views(
        of keys: [OrderKey], through: (Read) async -> (outcome: ERPOutcome, body: Data?)
    ) async -> Views {
        var views: [OrderKey: ERPView] = [:]
        var start = 0
        while start < keys.count {
            let chunk = Array(keys[start..<min(keys.count, start + Self.viewBatchSize)])
            start += chunk.count
            switch await viewChunk(chunk, through: through) {
            case .success(let found): views.merge(found) { first, _ in first }
            case .failure(let outcome): return .failure(outcome)
            }
        }
        return .success(views)
    }

    private func viewChunk(
        _ keys: [OrderKey], through: (Read) async -> (outcome: ERPOutcome, body: Data?)
    ) async -> Views {
        var keyByExternalID: [String: OrderKey] = [:]
        for key in keys { keyByExternalID[ERPEffect.externalID("so", key.channel.rawValue, key.orderID)] = key }
        guard !keyByExternalID.isEmpty else { return .success([:]) }
        let externalIDs = Self.list(keyByExternalID.keys.sorted())
        let head = await rows(
            "SELECT id, externalid, status, \(NetSuiteFields.version), \(ERPRecordContent.linesDigestField) "
                + "FROM transaction WHERE type = '\(TransactionRow.Kind.salesOrder)' AND externalid IN \(externalIDs)",
            through: through)
        guard case .success(let orders) = head else {
            return .failure(head.failure ?? .done(status: 200, location: nil))
        }
        var views: [String: ERPView] = [:]  // by the sales order's internal id
        var orderByExternalID: [String: String] = [:]
        for order in orders {
            guard let externalID = order.externalID, let key = keyByExternalID[externalID] else { continue }
            let status = order.status.flatMap(ERPStatusCode.init(rawValue:))
            var view = ERPView(
                salesOrderID: order.id, channelKey: key, status: status ?? .pendingApproval,
                dimensions: OrderDimensions())
            view.appliedVersion = order.version.flatMap { Int64($0) }
            view.linesDigest = order.linesDigest
            views[order.id] = view
            orderByExternalID[externalID] = order.id
        }
        guard !views.isEmpty else { return .success([:]) }
        let ids = Self.list(views.keys.sorted())
        let related = await rows(
            "SELECT id, type, createdfrom, salesorder, trackingnumberlist, \(NetSuiteFields.order), "
                + "\(NetSuiteFields.effect), \(NetSuiteFields.paymentReference), \(NetSuiteFields.refundID) "
                + "FROM transaction WHERE salesorder IN \(ids) OR createdfrom IN \(ids) "
                + "OR \(NetSuiteFields.order) IN \(Self.list(orderByExternalID.keys.sorted()))",
            through: through)
        guard case .success(let records) = related else {
            return .failure(related.failure ?? .done(status: 200, location: nil))
        }
        for row in records where views[row.id] == nil {
            // The sales order a row belongs to: a deposit's `salesorder`, a transform's `createdfrom`,
            // or (a credit memo made from the return authorization) Driftless's order field.
            let owner = [row.salesOrder, row.createdFrom, row.order.flatMap { orderByExternalID[$0] }]
                .compactMap { $0 }.first { views[$0] != nil }
            guard let owner, var view = views[owner] else { continue }
            Self.add(row, to: &view)
            views[owner] = view
        }
        var byKey: [OrderKey: ERPView] = [:]
        for view in views.values { if let key = view.channelKey { byKey[key] = view } }
        return .success(byKey)
    }

    /// Adds what a related transaction says to the order's view.
    static func add(_ row: TransactionRow, to view: inout ERPView) {
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

    /// `('a', 'b', …)`: a SuiteQL `IN` list of text literals.
    static func list(_ values: [String]) -> String {
        "(" + values.map(SuiteQLText.literal).joined(separator: ", ") + ")"
    }
}
