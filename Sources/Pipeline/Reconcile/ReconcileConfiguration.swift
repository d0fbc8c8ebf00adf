import Foundation
import OrderModel

/// Reconciliation's settings: `reconcile:` in the configuration file, overridden by the environment
/// (`DRIFTLESS_SHOPIFY_ADMIN_URL`, `DRIFTLESS_SHOPIFY_ACCESS_TOKEN` / `_FILE`,
/// `DRIFTLESS_RECONCILE_DAILY_AT`, `DRIFTLESS_RECONCILE_EVERY`, `DRIFTLESS_RECONCILE_WINDOW_HOURS`).
public struct ReconcileConfiguration: Sendable {
    /// The storefront's Admin API; nil when not configured (reconciliation cannot run).
    public var shopify: ShopifyAdminConfiguration?
    /// Window, policy, lease, concurrency.
    public var settings: ReconcileSettings
    /// The built-in schedule (daily, 03:30 UTC by default).
    public var schedule: ReconcileSchedule
    /// Whether plain `driftless run` runs the schedule (`reconcile.inRun`, `DRIFTLESS_RECONCILE_IN_RUN`);
    /// nil: when a channel's read API (storefront Admin API or marketplace) and the ERP are configured.
    public var inRun: Bool?

    /// Defaults: no storefront, 48 h, the playbook's policy, daily at 03:30 UTC.
    public init(
        shopify: ShopifyAdminConfiguration? = nil, settings: ReconcileSettings = ReconcileSettings(),
        schedule: ReconcileSchedule = ReconcileSchedule()
    ) {
        self.shopify = shopify
        self.settings = settings
        self.schedule = schedule
    }

    /// Reads `file`'s `reconcile:` section (when given) and the environment.
    /// - Throws: `PipelineConfigurationError` naming the setting (never a secret's value).
    public static func load(
        file: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ReconcileConfiguration {
        var section = ReconcileConfigFile.Section()
        if let file {
            section = try ConfigFileReader.decode(ReconcileConfigFile.self, from: file).value.reconcile ?? section
        }
        let env = EnvironmentValues(environment: environment)
        var configuration = ReconcileConfiguration()
        var hours = section.windowHours
        if let text = env.value("DRIFTLESS_RECONCILE_WINDOW_HOURS") {
            guard let value = Double(text) else {
                throw PipelineConfigurationError.invalidVariable(name: "DRIFTLESS_RECONCILE_WINDOW_HOURS", value: text)
            }
            hours = value
        }
        if let hours {
            guard hours > 0, hours <= 24 * 60 else {
                throw PipelineConfigurationError.invalidValue(field: "reconcile.windowHours", value: String(hours))
            }
            configuration.settings.window = .seconds(hours * 3600)
        }
        configuration.inRun = section.inRun
        if let text = env.value("DRIFTLESS_RECONCILE_IN_RUN") {
            switch text.lowercased() {
            case "true", "1", "on", "yes": configuration.inRun = true
            case "false", "0", "off", "no": configuration.inRun = false
            default: throw PipelineConfigurationError.invalidVariable(name: "DRIFTLESS_RECONCILE_IN_RUN", value: text)
            }
        }
        try configuration.applyRunLimits(section, env)
        if let daily = env.value("DRIFTLESS_RECONCILE_DAILY_AT") ?? section.dailyAt {
            configuration.schedule = try ReconcileSchedule.parse(daily)
        }
        if let every = env.value("DRIFTLESS_RECONCILE_EVERY") ?? section.every {
            let seconds = try ConfigDuration.parse(every, setting: "reconcile.every", maximum: 86_400)
            guard seconds >= 1 else {
                throw PipelineConfigurationError.invalidValue(field: "reconcile.every", value: every)
            }
            configuration.schedule = .every(seconds: Int(seconds))
        }
        if let lease = section.leaseSeconds {
            guard lease >= 3 else {
                throw PipelineConfigurationError.invalidValue(field: "reconcile.leaseSeconds", value: "\(lease)")
            }
            configuration.settings.leaseTTL = .seconds(lease)
        }
        if let concurrency = section.concurrency {
            guard (1...64).contains(concurrency) else {
                throw PipelineConfigurationError.invalidValue(field: "reconcile.concurrency", value: "\(concurrency)")
            }
            configuration.settings.concurrency = concurrency
        }
        if let policy = section.policy {
            do {
                configuration.settings.policy = try ReconcilePolicy.parse(policy)
            } catch {
                throw PipelineConfigurationError.invalidValue(field: "reconcile.policy", value: error.description)
            }
        }
        let shopify = section.shopify
        let token = try SecretSource.shopifyAdmin.resolve(
            environment: environment, fileValue: shopify?.accessToken, filePath: shopify?.accessTokenFile)
        let url = env.value("DRIFTLESS_SHOPIFY_ADMIN_URL") ?? shopify?.baseURL
        switch (url, token) {
        case (let url?, let token?):
            var admin = ShopifyAdminConfiguration(baseURL: url, accessToken: token)
            if let version = shopify?.apiVersion { admin.apiVersion = version }
            if let size = shopify?.pageSize { admin.pageSize = size }
            try admin.validate()
            configuration.shopify = admin
        case (nil, nil): break
        case (nil, _):
            throw PipelineConfigurationError.missingSetting(
                setting: "reconcile.shopify.baseURL", neededBy: "reconcile.shopify.accessToken")
        case (_, nil):
            throw PipelineConfigurationError.missingSetting(
                setting: "reconcile.shopify.accessToken", neededBy: "reconcile.shopify.baseURL")
        }
        return configuration
    }
}

extension ReconcileConfiguration {
    /// `reconcile.maxLookback` / `DRIFTLESS_RECONCILE_MAX_LOOKBACK` (a duration, at most 60d) and
    /// `reconcile.maxRunAttempts` / `DRIFTLESS_RECONCILE_MAX_RUN_ATTEMPTS` (1–100).
    mutating func applyRunLimits(_ section: ReconcileConfigFile.Section, _ env: EnvironmentValues) throws {
        if let text = env.value("DRIFTLESS_RECONCILE_MAX_LOOKBACK") ?? section.maxLookback {
            settings.maxLookback = .seconds(
                try ConfigDuration.parse(text, setting: "reconcile.maxLookback", maximum: 60 * 86_400))
        }
        var attempts = section.maxRunAttempts
        if let text = env.value("DRIFTLESS_RECONCILE_MAX_RUN_ATTEMPTS") {
            guard let value = Int(text) else {
                throw PipelineConfigurationError.invalidVariable(
                    name: "DRIFTLESS_RECONCILE_MAX_RUN_ATTEMPTS", value: text)
            }
            attempts = value
        }
        if let attempts {
            guard (1...100).contains(attempts) else {
                throw PipelineConfigurationError.invalidValue(field: "reconcile.maxRunAttempts", value: "\(attempts)")
            }
            settings.maxRunAttempts = attempts
        }
    }
}

extension SecretSource {
    static let shopifyAdmin = SecretSource(
        valueVariable: "DRIFTLESS_SHOPIFY_ACCESS_TOKEN", fileVariable: "DRIFTLESS_SHOPIFY_ACCESS_TOKEN_FILE",
        valueKey: "reconcile.shopify.accessToken", fileKey: "reconcile.shopify.accessTokenFile")
}
