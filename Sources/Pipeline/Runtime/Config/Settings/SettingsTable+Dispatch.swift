extension SettingsTable {
    static let dispatch: [Setting] = [
        .integer(
            "dispatch.maxAttempts", "Attempts of one ERP request in place before the retry tiers.",
            \.dispatch.maxAttempts),
        Setting(
            key: "dispatch.retryTiers", environment: nil, kind: .list,
            doc: "Delayed retry topics `<prefix>.retry.<tier>`; after the last, dead-letter.",
            show: { $0.dispatch.retryTiers.map(\.name).joined(separator: ", ") },
            assign: { configuration, value, invalid in
                guard case .list(let names) = value else { throw invalid("\(value)", expected: "a list of tiers") }
                configuration.dispatch.retryTiers = try names.map { name in
                    guard let tier = RetryTier(name) else {
                        throw PipelineConfigurationError.invalidValue(
                            field: "dispatch.retryTiers", value: "\(name) (a whole number and ms, s, m or h, e.g. 10s)")
                    }
                    return tier
                }
            }),
        .milliseconds(
            "dispatch.initialBackoffMs", "Full-jitter back-off between attempts, doubling …",
            \.dispatch.initialBackoff),
        .milliseconds("dispatch.maxBackoffMs", "… up to this; never before Retry-After.", \.dispatch.maxBackoff),
        .integer(
            "dispatch.breakerConsecutiveFailures", "The breaker opens after this many failures in a row …",
            \.dispatch.breakerConsecutiveFailures),
        .integer(
            "dispatch.breakerWindow", "… or when breakerFailureRatio of this many requests failed.",
            \.dispatch.breakerWindow),
        .number("dispatch.breakerFailureRatio", "See breakerWindow.", \.dispatch.breakerFailureRatio),
        .milliseconds(
            "dispatch.breakerOpenMs", "Open this long, then one probe; doubles after a failed probe …",
            \.dispatch.breakerOpen),
        .milliseconds("dispatch.breakerMaxOpenMs", "… up to this.", \.dispatch.breakerMaxOpen),
        .milliseconds(
            "dispatch.pauseProbeIntervalMs", "After a 401/403 (destination paused): one probe this often.",
            \.dispatch.pauseProbeInterval),
        .milliseconds(
            "dispatch.holdSweepIntervalMs", "How often the retry stage looks for held orders in no retry topic.",
            \.dispatch.holdSweepInterval),
        .milliseconds(
            "dispatch.holdSweepGraceMs", "Held longer than the longest tier plus this: re-armed.",
            \.dispatch.holdSweepGrace),
        .integer(
            "dispatch.maxConcurrentOrders", "Orders of a batch dispatched at once.", \.dispatch.maxConcurrentOrders),
        .milliseconds(
            "dispatch.viewTtlMs", "An order's cached ERP view is read again after this long (0: every batch).",
            \.dispatch.viewTTL),
    ]
}
