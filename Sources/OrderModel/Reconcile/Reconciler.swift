/// The pure comparison step of reconciliation: the channel's view and the ERP's view of one order →
/// a classified verdict and the policy's action. No I/O.
public struct Reconciler: Sendable {
    /// The policy per pattern.
    public let policy: ReconcilePolicy
    private let classifier = MismatchClassifier()
    private let erpStatus: MappingMatrix.Table
    private let erpRecord: MappingMatrix.Table

    /// A reconciler reading ERP statuses and records through `matrix`.
    public init(matrix: MappingMatrix, policy: ReconcilePolicy = .default) {
        self.policy = policy
        erpStatus = matrix.table(.erpSalesOrderStatus)
        erpRecord = matrix.table(.erpRelatedRecord)
    }

    /// Compares; `erp` nil means the ERP has no sales order for the order. The view's dimensions are
    /// derived again from its status and records (see ``erpDimensions(of:)``).
    public func compare(channel: ChannelView, erp: ERPView?) -> ReconcileVerdict {
        var view = erp
        if let erp { view?.dimensions = erpDimensions(of: erp) }
        let report = classifier.classify(channel: channel, erp: view)
        return ReconcileVerdict(report: report, action: policy.action(for: report.classification))
    }

    /// The dimensions an ERP view's status and related records state through the mapping matrix. An
    /// invoice counts as a payment only when the view holds a payment reference.
    public func erpDimensions(of view: ERPView) -> OrderDimensions {
        var d = OrderDimensions.initial
        (try? erpStatus.patch(for: view.status.rawValue))?.join(into: &d)
        for type in view.records.sorted(by: { $0.rawValue < $1.rawValue }) {
            if type == .invoice && view.paymentReferences.isEmpty { continue }
            (try? erpRecord.patch(for: type.rawValue))?.join(into: &d)
        }
        return d
    }
}
