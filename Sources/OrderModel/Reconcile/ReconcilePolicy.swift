/// Per mismatch pattern, what reconciliation does: auto-correct or flag for manual review.
///
/// Defaults follow the playbook's remediations: a missing order (Pattern 1), a missed shipment
/// (Pattern 2), a missed return (Pattern 3) and a missing payment record (Pattern 5) are re-sent through
/// the pipeline; a cancelled order the ERP still fulfils (Pattern 4) and drift no pattern explains are
/// flagged, because only a person can tell whether the warehouse already shipped.
public struct ReconcilePolicy: Hashable, Sendable {
    /// The action per pattern.
    public var patterns: [MismatchPattern: ReconcileAction]
    /// The action for "other drift".
    public var otherDrift: ReconcileAction
    /// The action for content drift while nothing of the order is fulfilled (the sales order's lines
    /// are rewritten); once something is fulfilled content drift is always flagged (the ERP cannot
    /// un-ship).
    public var contentDrift: ReconcileAction

    /// A policy; patterns left out take the default.
    public init(
        patterns: [MismatchPattern: ReconcileAction] = [:], otherDrift: ReconcileAction = .flag,
        contentDrift: ReconcileAction = .autoCorrect
    ) {
        var merged = Self.defaultPatterns
        for (pattern, action) in patterns { merged[pattern] = action }
        self.patterns = merged
        self.otherDrift = otherDrift
        self.contentDrift = contentDrift
    }

    /// The configuration name of content drift.
    public static let contentDriftName = "content-drift"

    /// The playbook's defaults.
    public static let `default` = ReconcilePolicy()

    static let defaultPatterns: [MismatchPattern: ReconcileAction] = [
        .checkoutDisconnect: .autoCorrect, .shipmentLag: .autoCorrect, .returnDisconnect: .autoCorrect,
        .silentCancellation: .flag, .paymentGap: .autoCorrect,
    ]

    /// The action for a classification; nil when the order is in sync.
    public func action(for classification: MismatchClassification) -> ReconcileAction? {
        switch classification {
        case .inSync: nil
        case .pattern(let pattern): patterns[pattern] ?? .flag
        case .otherDrift: otherDrift
        case .contentDrift: contentDrift
        }
    }

    /// The configuration name of a classification: `pattern-<n>-<name>` (as in the metrics) or
    /// `other-drift`; nil when in sync.
    public static func name(of classification: MismatchClassification) -> String? {
        switch classification {
        case .inSync: nil
        case .pattern(let pattern): name(of: pattern)
        case .otherDrift: "other-drift"
        case .contentDrift: contentDriftName
        }
    }

    /// `pattern-2-shipmentLag`, … (the `pattern` label of `driftless_mismatches_total`).
    public static func name(of pattern: MismatchPattern) -> String {
        "pattern-\(pattern.number)-\(pattern.rawValue)"
    }

    /// Reads `{name: action}` pairs (names as ``name(of:)-(MismatchPattern)``, `other-drift` or `content-drift`;
    /// actions `auto-correct` / `flag`).
    /// - Throws: ``ReconcilePolicyError`` naming the unknown key or value.
    public static func parse(_ entries: [String: String]) throws(ReconcilePolicyError) -> ReconcilePolicy {
        var patterns: [MismatchPattern: ReconcileAction] = [:]
        var other = ReconcileAction.flag
        var content = ReconcileAction.autoCorrect
        for (key, value) in entries {
            guard let action = ReconcileAction(rawValue: value) else {
                throw .unknownAction(pattern: key, value: value)
            }
            if key == "other-drift" {
                other = action
            } else if key == contentDriftName {
                content = action
            } else if let pattern = MismatchPattern.allCases.first(where: { name(of: $0) == key }) {
                patterns[pattern] = action
            } else {
                throw .unknownPattern(key)
            }
        }
        return ReconcilePolicy(patterns: patterns, otherDrift: other, contentDrift: content)
    }
}
