/// The outcome of comparing one order across a channel and the ERP: the classifier's report and what
/// the policy says to do.
public struct ReconcileVerdict: Hashable, Sendable {
    /// The classifier's report.
    public var report: MismatchReport
    /// nil when in sync.
    public var action: ReconcileAction?

    /// Creates a verdict.
    public init(report: MismatchReport, action: ReconcileAction?) {
        self.report = report
        self.action = action
    }
}
