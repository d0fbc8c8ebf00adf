import Foundation

/// One message to operators: an incident of a rule fired or resolved.
public struct AlertNotice: Sendable, Hashable {
    /// Whether the incident started or ended.
    public enum Transition: String, Sendable, Hashable {
        case fired, resolved
    }

    public var rule: AlertRule.Kind
    public var severity: AlertRule.Severity
    public var transition: Transition
    /// Counts the rule's incidents since start; a fired notice and its resolved one share it.
    public var incident: Int
    /// When the transition happened.
    public var at: Date
    /// One line for people, e.g. `6 order status mismatches in the last 60 min (more than 5)`.
    public var summary: String

    public init(
        rule: AlertRule.Kind, severity: AlertRule.Severity, transition: Transition, incident: Int, at: Date,
        summary: String
    ) {
        self.rule = rule
        self.severity = severity
        self.transition = transition
        self.incident = incident
        self.at = at
        self.summary = summary
    }

    /// The text sent to Slack and Teams.
    public var text: String {
        switch transition {
        case .fired: "[\(severity == .high ? "HIGH" : "WARNING")] Driftless \(rule.rawValue): \(summary)"
        case .resolved: "[RESOLVED] Driftless \(rule.rawValue): \(summary)"
        }
    }
}

/// What the evaluator asks the service to do.
public enum AlertAction: Sendable, Hashable {
    /// Send the notice to every destination.
    case deliver(AlertNotice)
    /// Below any alert threshold: only log it (e.g. a single retried webhook).
    case log(String)
}

/// What the evaluator is told.
public enum AlertSignal: Sendable, Hashable {
    /// A mismatch the classifier (reconciliation) or dispatch saw; `pattern` nil = other drift.
    case mismatch(pattern: String)
    /// A record moved to the dead-letter topic.
    case deadLettered
    /// A record quarantined.
    case quarantined
    /// A destination's breaker state (`closed`, `open`, `probing`, `paused`, …).
    case breaker(destination: String, state: String)
    /// Total consumer lag of this process's groups.
    case lag(Int64)
    /// A reconciliation run finished.
    case reconciled
    /// How long the oldest held order has been held (nil: none is held), in seconds.
    case oldestHold(seconds: Double?)
    /// A reconciliation run was given up after failing again and again (why): `reconciliation-overdue`
    /// fires at once, until a run finishes.
    case reconciliationAbandoned(String)
    /// One retried delivery (e.g. a webhook): logged, never alerted on its own.
    case retried(String)
}
