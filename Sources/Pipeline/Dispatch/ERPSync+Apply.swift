import Foundation
import NIOHTTP1
import OrderModel

extension ERPSync {
    /// Applies `effect` for the canonical event `eventID`; `salesOrderID` is the ERP's internal id of
    /// the order's sales order (needed by related records; nil before the sales order exists),
    /// `returnAuthorizationID` its return authorization's when known (credit memos are made from it).
    /// Returns the outcome and the sales order's internal id when the effect created or named it.
    ///
    /// Each NetSuite operation and what makes it safe to repeat:
    /// - sales order: upsert `PUT salesOrder/eid:so-…` with `orderStatus` A/B (an upsert changes
    ///   nothing the second time); cancel / close: `POST salesOrder/{id}/@cancel|@close` (the state
    ///   it sets is the state it finds the second time);
    /// - deposit: upsert `PUT customerDeposit/eid:dep-…` with `salesOrder`;
    /// - fulfilment, return authorization: `POST salesOrder/{id}/!transform/…`, credit memo:
    ///   `POST returnAuthorization/{id}/!transform/creditMemo` — transforms cannot be upserted, so
    ///   (`recheck`: whenever the caller's view may be stale or an earlier send may have landed) a
    ///   SuiteQL check on ``NetSuiteFields/effect`` comes first, and the record's `externalId` makes
    ///   NetSuite refuse a second one (`DUP_RCRD`, taken as done).
    ///
    /// In ``ERPWriteMode/async`` every write (in ``ERPWriteMode/salesOrderAsync``, the default, the
    /// sales order's upserts; the others are the same whenever they land) is an asynchronous request whose
    /// `X-NetSuite-Idempotency-Key` is ``ERPClient/idempotencyKey(effectID:eventID:)``, followed
    /// until its job completed: when this returns, nothing of the write can land later, so the
    /// order's next write is never overtaken by it (issue 22: no late write wins).
    public func apply(
        _ effect: ERPEffect, salesOrderID: String?, returnAuthorizationID: String? = nil, eventID: String = "",
        recheck: Bool = true
    ) async -> (outcome: ERPOutcome, salesOrderID: String?) {
        let applied = await applyEffect(
            effect, salesOrderID: salesOrderID, returnAuthorizationID: returnAuthorizationID, eventID: eventID,
            recheck: recheck)
        return (applied.outcome, applied.salesOrderID)
    }

    /// What ``applyEffect(_:salesOrderID:returnAuthorizationID:eventID:recheck:)`` gave.
    public struct Applied: Sendable {
        public var outcome: ERPOutcome
        /// The sales order's internal id when the effect created or named it.
        public var salesOrderID: String?
        /// The return authorization a credit memo was made from, when it had to be looked up (the
        /// caller keeps it, so the order's next credit memo needs no lookup).
        public var returnAuthorizationID: String?
    }

    /// ``apply(_:salesOrderID:returnAuthorizationID:eventID:recheck:)``, also giving the return
    /// authorization a credit memo was made from.
    public func applyEffect(
        _ effect: ERPEffect, salesOrderID: String?, returnAuthorizationID: String? = nil, eventID: String = "",
        recheck: Bool = true
    ) async -> Applied {
        let key = ERPClient.idempotencyKey(effectID: effect.id, eventID: eventID)
        if effect.kind == .salesOrderStatus {
            let (outcome, id) = await applySalesOrder(effect, salesOrderID, key: key)
            return Applied(outcome: outcome, salesOrderID: id)
        }
        let content = contentFields(effect)
        guard let salesOrderID else {
            return Applied(
                outcome: .conflict(status: 0, code: "NO_SALES_ORDER", detail: "the sales order must exist first"))
        }
        let outcome: ERPOutcome
        var authorization: String?
        switch effect.kind {
        case .salesOrderStatus:
            let (outcome, id) = await applySalesOrder(effect, salesOrderID, key: key)
            return Applied(outcome: outcome, salesOrderID: id)
        case .salesOrderLines:
            // The lines of an edit replace the sales order's (upsert by external id, nothing fulfilled yet).
            guard !content.isEmpty else {
                return Applied(outcome: .done(status: 204, location: nil), salesOrderID: salesOrderID)
            }
            outcome = await write(
                .PUT, "/salesOrder/eid:\(ERPClient.escape(effect.externalID))",
                NetSuiteBodies.encode(NetSuiteBodies.salesOrderLines(effect), adding: content), key: key,
                sameWheneverItLands: false
            ).outcome
        case .payment:
            outcome = await write(
                .PUT, "/customerDeposit/eid:\(ERPClient.escape(effect.externalID))",
                NetSuiteBodies.encode(
                    NetSuiteBodies.customerDeposit(effect, salesOrderID: salesOrderID), adding: content),
                key: key
            ).outcome
        case .fulfilment:
            let body = NetSuiteBodies.itemFulfillment(effect, contentHasLines: content["item"] != nil)
            outcome = await transform(
                effect, from: "salesOrder", id: salesOrderID, to: "itemFulfillment",
                NetSuiteBodies.encode(body, adding: content), key: key, recheck: recheck)
        case .returnAuthorization:
            outcome = await transform(
                effect, from: "salesOrder", id: salesOrderID, to: "returnAuthorization",
                NetSuiteBodies.encode(NetSuiteBodies.returnAuthorization(effect), adding: content), key: key,
                recheck: recheck)
            // A synchronous transform's `Location` names the new record: the order's first credit
            // memo is made from it without a lookup.
            if case .done(_, let location?) = outcome, location.contains("/returnAuthorization/") {
                authorization = Self.recordID(in: location)
            }
        case .creditMemo:
            (outcome, authorization) = await applyCreditMemo(
                effect, returnAuthorizationID: returnAuthorizationID,
                body: NetSuiteBodies.encode(NetSuiteBodies.creditMemo(effect), adding: content), key: key,
                recheck: recheck)
        }
        return Applied(outcome: outcome, salesOrderID: salesOrderID, returnAuthorizationID: authorization)
    }

    private func applySalesOrder(
        _ effect: ERPEffect, _ salesOrderID: String?, key: String
    ) async -> (outcome: ERPOutcome, salesOrderID: String?) {
        let operation = SalesOrderWrite(for: effect.status ?? .pendingApproval)
        var id = salesOrderID
        var outcome = ERPOutcome.done(status: 204, location: nil)
        var orderStatus: ERPStatusCode?
        if case .orderStatus(let status) = operation { orderStatus = status }
        if id == nil || orderStatus != nil {
            // The lines go with the create only; later status writes leave them (an edit is its own effect).
            let body = NetSuiteBodies.salesOrder(effect, orderStatus: orderStatus)
            let written = await write(
                .PUT, "/salesOrder/eid:\(ERPClient.escape(effect.externalID))",
                NetSuiteBodies.encode(body, adding: id == nil ? contentFields(effect) : [:]), key: key,
                sameWheneverItLands: false, wantsRecord: id == nil)
            outcome = written.outcome
            guard case .done(_, let location) = outcome else { return (outcome, id) }
            id = (written.recordLocation ?? location).flatMap(Self.recordID(in:)) ?? id
        }
        let action: String? =
            switch operation {
            case .cancel: "cancel"
            case .close: "close"
            case .orderStatus: nil
            }
        if let action, let order = id {
            let actionKey = ERPClient.idempotencyKey(effectID: key, eventID: "@\(action)")
            outcome = await write(
                .POST, "/salesOrder/\(ERPClient.escape(order))/@\(action)", nil, key: actionKey
            ).outcome
        }
        return (outcome, id)
    }

    /// A credit memo: the transform of the return authorization. When its id is not known (or an
    /// earlier send may have landed: `recheck`) one SuiteQL query finds it and whether the memo
    /// exists. Returns the outcome and the return authorization's id when it was looked up.
    private func applyCreditMemo(
        _ effect: ERPEffect, returnAuthorizationID: String?, body: Data?, key: String, recheck: Bool
    ) async -> (ERPOutcome, String?) {
        if let returnAuthorizationID, !recheck {
            let outcome = await transform(
                effect, from: "returnAuthorization", id: returnAuthorizationID, to: "creditMemo", body, key: key,
                recheck: false)
            return (outcome, nil)
        }
        let order = SuiteQLText.literal(NetSuiteBodies.salesOrderExternalID(effect))
        let found = await rows(
            "SELECT id, type, \(NetSuiteFields.effect) FROM transaction WHERE \(NetSuiteFields.order) = \(order) "
                + "AND type IN ('\(TransactionRow.Kind.returnAuthorization)', '\(TransactionRow.Kind.creditMemo)')",
            through: { await send($0) })
        guard case .success(let rows) = found else { return (found.failure ?? .done(status: 200, location: nil), nil) }
        let authorization =
            returnAuthorizationID ?? rows.first { $0.type == TransactionRow.Kind.returnAuthorization }?.id
        if rows.contains(where: { $0.effect == effect.id }) {
            return (.done(status: 200, location: nil), authorization)
        }
        guard let authorization else {
            let missing = ERPOutcome.conflict(
                status: 0, code: "NO_RETURN_AUTHORIZATION", detail: "the return authorization must exist first")
            return (missing, nil)
        }
        let outcome = await transform(
            effect, from: "returnAuthorization", id: authorization, to: "creditMemo", body, key: key, recheck: false)
        return (outcome, authorization)
    }

    /// `POST /{from}/{id}/!transform/{to}` once: checked first by the effect id when `recheck`, and a
    /// `DUP_RCRD` (the record's external id is taken: an earlier send landed) counts as done.
    private func transform(
        _ effect: ERPEffect, from: String, id: String, to: String, _ body: Data?, key: String, recheck: Bool
    ) async -> ERPOutcome {
        if recheck {
            let found = await rows(
                "SELECT id FROM transaction WHERE \(NetSuiteFields.effect) = \(SuiteQLText.literal(effect.id))",
                through: { await send($0) })
            switch found {
            case .failed(let outcome): return outcome
            case .success(let rows) where !rows.isEmpty: return .done(status: 200, location: nil)
            case .success: break
            }
        }
        let outcome = await write(
            .POST, "/\(from)/\(ERPClient.escape(id))/!transform/\(to)", .some(body), key: key
        ).outcome
        if case .permanent(_, "DUP_RCRD", _) = outcome { return .done(status: 200, location: nil) }
        return outcome
    }

    /// The internal id a record's `Location` (`…/record/v1/{type}/{id}`) ends with.
    private static func recordID(in location: String) -> String? {
        location.split(separator: "/").last.map(String.init)
    }

    /// One write of the record API, synchronous or asynchronous (``ERPWriteMode``); `body` is the
    /// encoded body (nil: the body could not be encoded, a permanent failure), `nil` for an action.
    /// `sameWheneverItLands`: a late landing of this write cannot undo a newer one (a transform or
    /// create NetSuite refuses to repeat, an unchanging upsert, a terminal action), so
    /// ``ERPWriteMode/salesOrderAsync`` sends it synchronously.
    private func write(
        _ method: HTTPMethod, _ path: String, _ body: Data??, key: String, sameWheneverItLands: Bool = true,
        wantsRecord: Bool = false
    ) async -> ERPClient.AsyncWrite {
        var data: Data?
        if let body {
            guard let encoded = body else {
                return .init(outcome: .permanent(status: 0, code: "ENCODING", detail: "body not encodable"))
            }
            data = encoded
        }
        switch client.writeMode {
        case .sync,
            .salesOrderAsync where sameWheneverItLands:
            let answer = await client.exchange(method, ERPClient.recordPath + path, body: data)
            return .init(outcome: answer.outcome, recordLocation: answer.location)
        case .async, .salesOrderAsync:
            return await client.writeAsync(method, path, body: data, idempotencyKey: key, wantsRecord: wantsRecord)
        }
    }
}
