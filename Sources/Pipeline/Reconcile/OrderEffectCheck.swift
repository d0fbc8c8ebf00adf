import Foundation
import Ledger
import OrderModel

/// The ERP effects an order needs — the dispatch planner's ``ERPEffectPlanner/required(for:version:dimensions:facts:target:)``
/// over translate's stored (merged) state — next to which of them exist: read from the ERP's view
/// (the planner's own check-before-write decides what is missing), or, when the ERP cannot be read,
/// from the ledger's `dispatched` audit rows (each names the effect it wrote). For the console's
/// Order view.
public struct OrderEffectCheck: Sendable {
    /// One needed effect and whether it exists.
    public struct Row: Sendable, Hashable {
        public var kind: String
        public var record: String
        public var externalID: String
        /// The status, tracking number, payment or refund it is about.
        public var subject: String
        public var exists: Bool
    }

    let state: OrderState
    let version: Int64
    let target: ERPTarget?
    /// What the order needs, whatever the ERP shows.
    public let requirement: ERPEffectRequirement

    /// The check for translate's stored row `stored` of an order under `matrix`; nil when the row is
    /// unreadable.
    public init?(stored: OrderStateRecord, matrix: MappingMatrix) {
        guard let state = StoredOrderState.state(stored) else { return nil }
        self.state = state
        version = stored.version
        target = matrix.erpTarget(for: state.canonicalState)
        requirement = ERPEffectPlanner.required(
            for: state.key, version: version, dimensions: state.dimensions, facts: state.facts, target: target)
    }

    /// Needed vs existing by the ERP's `view` (nil: no sales order): an effect exists unless the
    /// planner would write it; writes the planner adds beyond the requirement (a lines edit) are missing.
    public func compare(view: ERPView?) -> [Row] {
        let plan = ERPEffectPlanner.plan(
            orderKey: state.key, version: version, target: target, dimensions: state.dimensions, facts: state.facts,
            erp: view)
        let missing = Set(plan.effects.map(\.id))
        var rows = requirement.effects.map { Self.row($0, exists: !missing.contains($0.id)) }
        let required = Set(requirement.effects.map(\.id))
        rows += plan.effects.filter { !required.contains($0.id) }.map { Self.row($0, exists: false) }
        return rows
    }

    /// Needed vs existing by the ledger's successful `dispatched` rows of the order (`timeline`): a
    /// related record exists once a row names its effect id; the sales order when the last status
    /// written is the one needed.
    public func compare(timeline: [AuditRecord]) -> [Row] {
        let written = timeline.filter { $0.hop == .dispatched && ($0.httpStatus ?? 0) < 400 && $0.httpStatus != nil }
            .compactMap { record -> String? in
                guard let detail = record.detail, detail.hasPrefix("effect ") else { return nil }
                return detail.dropFirst("effect ".count).split(separator: " ").first.map(String.init)
            }
        let lastStatus = written.last { $0.contains("#\(ERPEffect.Kind.salesOrderStatus.rawValue)#") }
        return requirement.effects.map { effect in
            switch effect.kind {
            case .salesOrderStatus:
                let suffix = "-\(effect.status?.rawValue ?? "")"
                return Self.row(effect, exists: lastStatus?.hasSuffix(suffix) == true)
            default:
                return Self.row(effect, exists: written.contains(effect.id))
            }
        }
    }

    static func row(_ effect: ERPEffect, exists: Bool) -> Row {
        let subject: String =
            switch effect.kind {
            case .salesOrderStatus: "status \(effect.status?.rawValue ?? "")"
            case .payment: "payment \(effect.paymentReference ?? "")"
            case .fulfilment: "tracking \(effect.trackingNumbers.joined(separator: ", "))"
            case .returnAuthorization: "return"
            case .creditMemo: "refund \(effect.refundID ?? "")"
            case .salesOrderLines: "lines"
            }
        return Row(
            kind: effect.kind.rawValue, record: effect.record.rawValue, externalID: effect.externalID,
            subject: subject, exists: exists)
    }
}
