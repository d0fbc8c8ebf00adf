import Foundation

/// One alert rule: what is watched, the bound, and over which window or for how long.
///
/// Count rules (`mismatches`, `dead-letter-growth`, `quarantine-rate`) fire when more than
/// `threshold` signals fall in the rolling `window`. `breaker-open` fires when a destination's
/// breaker stayed open (or paused) for `sustain`; `consumer-lag` when the total lag stayed above
/// `threshold` for `sustain`; `reconciliation-overdue` when no reconciliation finished within
/// `window` (26 h by default); `held-orders` when the oldest order held behind an event in the retry
/// tiers has been held longer than `window` (2 h by default: longer than the default ladder).
public struct AlertRule: Sendable, Hashable {
    /// What a rule watches; the raw value is its name in the configuration.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Comparable {
        case mismatches
        case deadLetterGrowth = "dead-letter-growth"
        case quarantineRate = "quarantine-rate"
        case breakerOpen = "breaker-open"
        case consumerLag = "consumer-lag"
        case reconciliationOverdue = "reconciliation-overdue"
        case heldOrders = "held-orders"

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }

        /// Whether the rule counts signals in a rolling window.
        public var isCount: Bool { [.mismatches, .deadLetterGrowth, .quarantineRate].contains(self) }
    }

    /// How urgent an alert of this rule is.
    public enum Severity: String, Sendable, Hashable, CaseIterable {
        case high, warning
    }

    public var kind: Kind
    /// Count rules: more than this many in `window` fires. `consumer-lag`: lag above this.
    public var threshold: Int
    /// Count rules: the rolling window; `reconciliation-overdue`: the longest allowed gap;
    /// `held-orders`: the longest an order may stay held.
    public var window: Duration
    /// `breaker-open` and `consumer-lag`: how long the condition must hold before it fires.
    public var sustain: Duration
    public var severity: Severity

    public init(
        kind: Kind, threshold: Int = 0, window: Duration = .seconds(3600), sustain: Duration = .zero,
        severity: Severity = .warning
    ) {
        self.kind = kind
        self.threshold = threshold
        self.window = window
        self.sustain = sustain
        self.severity = severity
    }

    /// The default rule of each kind (the playbook's: more than 5 mismatches in one hour is a
    /// high-priority alert).
    public static func standard(_ kind: Kind) -> AlertRule {
        switch kind {
        case .mismatches: AlertRule(kind: kind, threshold: 5, window: .seconds(3600), severity: .high)
        case .deadLetterGrowth: AlertRule(kind: kind, threshold: 10, window: .seconds(3600), severity: .high)
        case .quarantineRate: AlertRule(kind: kind, threshold: 50, window: .seconds(900))
        case .breakerOpen: AlertRule(kind: kind, sustain: .seconds(60), severity: .high)
        case .consumerLag: AlertRule(kind: kind, threshold: 10_000, sustain: .seconds(600))
        case .reconciliationOverdue: AlertRule(kind: kind, window: .seconds(26 * 3600))
        case .heldOrders: AlertRule(kind: kind, window: .seconds(2 * 3600), severity: .high)
        }
    }

    /// Every rule with its default.
    public static var defaults: [AlertRule] { Kind.allCases.map(standard) }
}

extension Duration {
    /// The duration in seconds as a `TimeInterval`.
    var timeInterval: TimeInterval { DurationSeconds.of(self) }
}
