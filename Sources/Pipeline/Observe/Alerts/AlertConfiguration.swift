import Foundation

/// The `alerts:` configuration: rules (defaults: every kind with its standard bound), the
/// cool-down between two alerts of one rule, the destinations (none: alerts are only logged) and
/// how deliveries are retried.
public struct AlertConfiguration: Sendable {
    /// One rule per kind; a kind left out is not evaluated.
    public var rules: [AlertRule]
    /// The shortest time between two fired alerts of one rule.
    public var cooldown: Duration
    /// Slack and/or Teams webhooks.
    public var destinations: [AlertDestination]
    /// How often rules are evaluated when no signal arrives (windows roll, conditions age).
    public var evaluationInterval: Duration
    /// Attempts per delivery (429, 5xx and transport failures are retried).
    public var maxAttempts: Int
    /// A `Retry-After` longer than this is waited for only this long.
    public var maxRetryAfter: Duration

    public init(
        rules: [AlertRule] = AlertRule.defaults, cooldown: Duration = .seconds(3600),
        destinations: [AlertDestination] = [], evaluationInterval: Duration = .seconds(10), maxAttempts: Int = 8,
        maxRetryAfter: Duration = .seconds(300)
    ) {
        self.rules = rules
        self.cooldown = cooldown
        self.destinations = destinations
        self.evaluationInterval = evaluationInterval
        self.maxAttempts = maxAttempts
        self.maxRetryAfter = maxRetryAfter
    }

    /// Checks the numbers; names the field that is wrong.
    public func validate() throws {
        func positive(_ duration: Duration, _ field: String) throws {
            guard duration > .zero else {
                throw PipelineConfigurationError.invalidValue(field: field, value: "\(duration)")
            }
        }
        try positive(evaluationInterval, "alerts.evaluationIntervalMs")
        guard cooldown >= .zero else {
            throw PipelineConfigurationError.invalidValue(field: "alerts.cooldownMinutes", value: "\(cooldown)")
        }
        guard maxAttempts >= 1 else {
            throw PipelineConfigurationError.invalidValue(field: "alerts.maxAttempts", value: "\(maxAttempts)")
        }
        for destination in destinations {
            let setting = "alerts.\(destination.kind.rawValue).url"
            guard !destination.url.value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw PipelineConfigurationError.emptySecret(setting: setting)
            }
            _ = try AlertDestination.validated(kind: destination.kind, url: destination.url, setting: setting)
        }
        var seen: Set<AlertRule.Kind> = []
        for rule in rules {
            guard seen.insert(rule.kind).inserted else {
                throw PipelineConfigurationError.invalidValue(
                    field: "alerts.rules", value: "\(rule.kind.rawValue) given twice")
            }
            guard rule.threshold >= 0 else {
                throw PipelineConfigurationError.invalidValue(
                    field: "alerts.rules.\(rule.kind.rawValue).threshold", value: "\(rule.threshold)")
            }
            if rule.kind.isCount || rule.kind == .reconciliationOverdue {
                try positive(rule.window, "alerts.rules.\(rule.kind.rawValue).windowMinutes")
            }
        }
    }
}
