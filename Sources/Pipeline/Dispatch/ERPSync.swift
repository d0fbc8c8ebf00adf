import Foundation
import OrderModel

/// Reads what the ERP shows for an order and applies ``ERPEffect``s, through an ``ERPClient``.
/// Every write is an upsert by the effect's external id, so applying an effect again (a retry, a
/// replay, another replica) changes nothing; reading the view first lets the planner skip what is
/// already there.
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
    static let versionField = "custbody_driftless_version"

    public init(client: ERPClient) {
        self.client = client
    }

    /// One read the view is made of.
    public enum Read: Sendable, Equatable {
        /// A record by id (`eid:<external id>` for an external id).
        case record(type: String, id: String)
        /// The records of `type` created from the sales order `createdFrom`.
        case related(type: String, createdFrom: String)
        /// One page of the records of `type` modified at or after `since` (reconciliation's ERP-side sweep).
        case modified(type: String, since: Date, limit: Int, offset: Int)
    }

    /// Sends one read to the ERP.
    public func send(_ read: Read) async -> (outcome: ERPOutcome, body: Data?) {
        switch read {
        case .record(let type, let id): await client.read(type, id: id)
        case .related(let type, let createdFrom): await client.related(type, createdFrom: createdFrom)
        case .modified(let type, let since, let limit, let offset):
            await client.modified(type, since: since, limit: limit, offset: offset)
        }
    }

    /// The ERP's view of `key`, each read sent once (see ``view(of:through:)``).
    public func view(of key: OrderKey) async -> ViewResult {
        await view(of: key) { await send($0) }
    }

    /// The ERP's view of `key`: its sales order (by external id) and the related records' payment
    /// references, tracking numbers and refund ids. Dimensions are left at their defaults (the
    /// planner decides from the records, not from the ERP's dimensions).
    ///
    /// The view is several reads (the sales order, then one list per related record type); each goes
    /// through `through`, which may retry it, so one failed read does not cost the ones before it
    /// (with a 25 % failure rate a view of seven reads read as one unit succeeds 13 % of the time).
    /// The first read `through` gives up on ends the view with its outcome.
    public func view(
        of key: OrderKey, through: (Read) async -> (outcome: ERPOutcome, body: Data?)
    ) async -> ViewResult {
        let salesOrder = ERPEffect.externalID("so", key.channel.rawValue, key.orderID)
        let (outcome, body) = await through(.record(type: ERPRecordType.salesOrder.rawValue, id: "eid:\(salesOrder)"))
        switch outcome {
        case .done: break
        case .permanent(404, _, _): return .absent
        default: return .failed(outcome)
        }
        guard let order = body.flatMap(Self.object), let id = order["id"] as? String else {
            return .failed(.transient(status: nil, retryAfter: nil, detail: "sales order answer without an id"))
        }
        let status = ((order["status"] as? [String: Any])?["id"] as? String).flatMap(ERPStatusCode.init(rawValue:))
        var view = ERPView(
            salesOrderID: id, channelKey: key, status: status ?? .pendingApproval, dimensions: OrderDimensions())
        // NetSuite keeps custom fields at the top level of the record (no `fields` wrapper).
        view.appliedVersion = Self.integer(order[Self.versionField])
        view.linesDigest = order[ERPRecordContent.linesDigestField] as? String
        for type in [
            ERPRecordType.customerDeposit, .invoice, .cashSale, .itemFulfillment, .returnAuthorization, .creditMemo,
        ] {
            let (listed, page) = await through(.related(type: type.rawValue, createdFrom: id))
            guard case .done = listed else { return .failed(listed) }
            let items = page.flatMap(Self.object)?["items"] as? [[String: Any]] ?? []
            if !items.isEmpty { view.records.insert(type) }
            for fields in items {
                if let reference = fields["paymentTransactionId"] as? String {
                    view.paymentReferences.append(reference)
                }
                if let tracking = fields["trackingNumbers"] as? String {
                    view.trackingNumbers += tracking.split(separator: ",").map(String.init)
                }
                if let refund = fields["refundId"] as? String { view.creditMemoIDs.append(refund) }
            }
        }
        return .found(view)
    }

    /// Applies `effect` for the canonical event `eventID`; `salesOrderID` is the ERP's internal id of
    /// the order's sales order (needed by related records; nil before the sales order exists).
    /// Returns the outcome and the sales order's internal id when the effect created or named it.
    ///
    /// In ``ERPWriteMode/async`` (the default) the write is an asynchronous request whose
    /// `X-NetSuite-Idempotency-Key` is ``ERPClient/idempotencyKey(effectID:eventID:)``, followed
    /// until its job completed: when this returns, nothing of the write can land later, so the
    /// order's next write is never overtaken by it (issue 22: no late write wins).
    public func apply(
        _ effect: ERPEffect, salesOrderID: String?, eventID: String = ""
    ) async -> (outcome: ERPOutcome, salesOrderID: String?) {
        var body: [String: Any] = [:]
        switch effect.kind {
        case .salesOrderStatus:
            if let status = effect.status { body["status"] = ["id": status.rawValue] }
            body["otherRefNum"] = effect.content?.name ?? effect.orderKey.orderID
            body[Self.versionField] = String(effect.version)
            body["memo"] = "driftless \(effect.orderKey)"
            // The lines go with the create only; later status writes leave them (an edit is its own effect).
            if salesOrderID == nil { body.merge(contentFields(effect), uniquingKeysWith: { _, content in content }) }
        case .salesOrderLines:
            body = contentFields(effect)
        case .payment, .fulfilment, .returnAuthorization, .creditMemo:
            guard let salesOrderID else {
                return (.conflict(status: 0, code: "NO_SALES_ORDER", detail: "the sales order must exist first"), nil)
            }
            body["createdFrom"] = ["id": salesOrderID]
            if let reference = effect.paymentReference { body["paymentTransactionId"] = reference }
            if !effect.trackingNumbers.isEmpty { body["trackingNumbers"] = effect.trackingNumbers }
            if let refund = effect.refundID { body["refundId"] = refund }
            body.merge(contentFields(effect), uniquingKeysWith: { existing, _ in existing })
        }
        guard let data = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]) else {
            return (.permanent(status: 0, code: "ENCODING", detail: "body not encodable"), salesOrderID)
        }
        let isSalesOrder = effect.kind == .salesOrderStatus
        let outcome: ERPOutcome
        switch client.writeMode {
        case .sync:
            outcome = await client.upsert(effect.record.rawValue, externalId: effect.externalID, body: data)
        case .async:
            outcome = await client.upsertAsync(
                effect.record.rawValue, externalId: effect.externalID, body: data,
                idempotencyKey: ERPClient.idempotencyKey(effectID: effect.id, eventID: eventID),
                wantsRecord: isSalesOrder && salesOrderID == nil
            ).outcome
        }
        if isSalesOrder, case .done(_, let location) = outcome {
            return (outcome, location.flatMap { $0.split(separator: "/").last.map(String.init) } ?? salesOrderID)
        }
        return (outcome, salesOrderID)
    }

    /// A custom field's integer value, whether the ERP returns it as a number or as text.
    private static func integer(_ value: Any?) -> Int64? {
        switch value {
        case let text as String: Int64(text)
        case let number as NSNumber: number.int64Value
        default: nil
        }
    }

    private static func object(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}
