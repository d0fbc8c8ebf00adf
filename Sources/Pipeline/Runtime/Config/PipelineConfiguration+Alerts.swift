import Foundation

extension PipelineConfiguration {
    static let slackURL = SecretSource(
        valueVariable: "DRIFTLESS_ALERT_SLACK_URL", fileVariable: "DRIFTLESS_ALERT_SLACK_URL_FILE",
        valueKey: "alerts.slack.url", fileKey: "alerts.slack.urlFile")
    static let teamsURL = SecretSource(
        valueVariable: "DRIFTLESS_ALERT_TEAMS_URL", fileVariable: "DRIFTLESS_ALERT_TEAMS_URL_FILE",
        valueKey: "alerts.teams.url", fileKey: "alerts.teams.urlFile")

    /// The `alerts:` section and the destination URLs (environment first, then the file). An
    /// unknown rule, a bad number or severity, an empty or malformed URL fails here, naming the
    /// setting and never a URL.
    mutating func resolveAlerts(file: PipelineConfigFile.Alerts?, environment env: [String: String]) throws {
        if let file {
            if let minutes = file.cooldownMinutes {
                alerts.cooldown = try Self.minutes(minutes, "alerts.cooldownMinutes")
            }
            if let ms = file.evaluationIntervalMs { alerts.evaluationInterval = .milliseconds(ms) }
            if let attempts = file.maxAttempts { alerts.maxAttempts = attempts }
            if let seconds = file.maxRetryAfterSeconds {
                alerts.maxRetryAfter = try Self.minutes(seconds / 60, "alerts.maxRetryAfterSeconds")
            }
            if let rules = file.rules { alerts.rules = try rules.enumerated().map(Self.rule) }
        }
        var destinations: [AlertDestination] = []
        for (kind, source, section) in [
            (AlertDestination.Kind.slack, Self.slackURL, file?.slack), (.teams, Self.teamsURL, file?.teams),
        ] {
            guard
                let url = try source.resolve(environment: env, fileValue: section?.url, filePath: section?.urlFile)
            else { continue }
            let setting = env[source.valueVariable] != nil ? source.valueVariable : "alerts.\(kind.rawValue).url"
            destinations.append(try AlertDestination.validated(kind: kind, url: url, setting: setting))
        }
        if !destinations.isEmpty { alerts.destinations = destinations }
    }

    private static func rule(_ entry: (offset: Int, element: PipelineConfigFile.Alerts.Rule)) throws -> AlertRule {
        let field = "alerts.rules[\(entry.offset)]"
        let known = AlertRule.Kind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let name = entry.element.rule else {
            throw PipelineConfigurationError.invalidValue(field: "\(field).rule", value: "missing (one of: \(known))")
        }
        guard let kind = AlertRule.Kind(rawValue: name) else {
            throw PipelineConfigurationError.invalidValue(
                field: "\(field).rule", value: "unknown rule \"\(name)\" (one of: \(known))")
        }
        var rule = AlertRule.standard(kind)
        if let threshold = entry.element.threshold { rule.threshold = threshold }
        if let minutes = entry.element.windowMinutes {
            rule.window = try Self.minutes(minutes, "\(field).windowMinutes")
        }
        if let minutes = entry.element.forMinutes { rule.sustain = try Self.minutes(minutes, "\(field).forMinutes") }
        if let text = entry.element.severity {
            guard let severity = AlertRule.Severity(rawValue: text) else {
                throw PipelineConfigurationError.invalidValue(
                    field: "\(field).severity", value: "\"\(text)\" (one of: high, warning)")
            }
            rule.severity = severity
        }
        return rule
    }

    private static func minutes(_ value: Double, _ field: String) throws -> Duration {
        guard value.isFinite, value >= 0, value < 1e7 else {
            throw PipelineConfigurationError.invalidValue(field: field, value: "\(value)")
        }
        return .milliseconds(Int64(value * 60_000))
    }
}
