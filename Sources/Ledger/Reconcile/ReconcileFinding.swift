import Foundation

/// One mismatch a reconciliation run found, and what it did about it.
public struct ReconcileFinding: Sendable, Hashable {
    /// The run (unique per run; a resumed run keeps its id).
    public var runID: String
    /// `shopify:5678123`, …
    public var orderKey: String
    /// `pattern-<n>-<name>` or `other-drift`.
    public var classification: String
    /// The policy's action: `auto-correct` or `flag`.
    public var action: String
    /// What happened: `corrected` (injected), `flagged` (case opened), `reported` (dry run).
    public var outcome: String
    /// The channel's canonical state.
    public var channelState: String
    /// The ERP's canonical state; nil when the ERP has no sales order.
    public var erpState: String?
    /// The classifier's evidence, `; `-separated.
    public var evidence: String
    /// The injected event's id (auto-correct).
    public var eventID: String?
    /// The case opened (flag).
    public var caseID: Int64?
    /// When it was found.
    public var foundAt: Date

    /// Creates a finding.
    public init(
        runID: String, orderKey: String, classification: String, action: String, outcome: String,
        channelState: String, erpState: String?, evidence: String, eventID: String? = nil, caseID: Int64? = nil,
        foundAt: Date
    ) {
        self.runID = runID
        self.orderKey = orderKey
        self.classification = classification
        self.action = action
        self.outcome = outcome
        self.channelState = channelState
        self.erpState = erpState
        self.evidence = evidence
        self.eventID = eventID
        self.caseID = caseID
        self.foundAt = foundAt
    }
}
