import Foundation

/// What `driftless config show` prints: the effective configuration — every row of the settings table
/// with its value and where it came from (default, file, or the environment variable), then the
/// sections with readers of their own. A secret is only ever shown as set or unset.
public enum ConfigurationReport {
    /// The report for `file` (optional) and `environment`; loading and validating exactly as
    /// `driftless run` does, so a configuration `run` refuses is refused here with the same error.
    public static func text(
        file: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String {
        // The origins the load itself recorded: the file is read once, the rows walked once.
        let (configuration, origins) = try PipelineConfiguration.loadWithOrigins(file: file, environment: environment)
        var lines = ["# driftless effective configuration (\(file.map { "file \($0)" } ?? "no file"); env wins)"]
        for row in SettingsTable.rows {
            let origin: String
            switch origins[row.key] ?? .default {
            case .default: origin = "default"
            case .file: origin = "file"
            case .environment: origin = "env \(row.environment ?? "")\(row.kind == .map ? "*" : "")"
            }
            lines.append("\(row.key) = \(redacted(row.key, row.show(configuration)))  # \(origin)")
        }
        lines.append("# sections with readers of their own (secrets shown as set/unset only)")
        lines += sections(configuration).map { "\($0.key) = \($0.value)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A shown value with what may be a secret taken out: a URL's password (`postgres://u:p@h/db`), a
    /// Kafka property naming a password, secret, key or token.
    static func redacted(_ key: String, _ value: String) -> String {
        switch key {
        case "ledger.url":
            guard var parts = URLComponents(string: value), parts.password != nil else { return value }
            parts.password = "redacted"
            return parts.string ?? "(set)"
        case "kafka.properties", "kafka.consumerProperties":
            return value.split(separator: ", ").map { entry in
                let name = entry.prefix { $0 != "=" }.lowercased()
                let secret = ["password", "secret", "key", "token"].contains { name.contains($0) }
                return secret ? "\(name)=(set)" : String(entry)
            }.joined(separator: ", ")
        default:
            return value
        }
    }

    /// `(set)` or `(unset)`: never the secret.
    static func secret(_ secret: Secret?) -> String { secret == nil ? "(unset)" : "(set)" }

    /// The other sections' effective values, secrets as set/unset.
    static func sections(_ configuration: PipelineConfiguration) -> KeyValuePairs<String, String> {
        let erp = configuration.erp
        let poller = configuration.poller
        let shopify = configuration.reconcile.shopify
        let destinations = configuration.alerts.destinations.map(\.kind.rawValue).joined(separator: ", ")
        return [
            "ingest.shopify.secret": secret(configuration.shopifySecret),
            "ingest.shopify.previousSecret": secret(configuration.shopifyPreviousSecret),
            "poller.baseURL": poller?.baseURL ?? "(off)",
            "poller.marketplaceID": poller?.marketplaceID ?? "",
            "poller.orderItems": poller.map { String($0.orderItems) } ?? "",
            "poller.lwa.clientSecret": secret(configuration.amazonLWA?.clientSecret),
            "poller.lwa.refreshToken": secret(configuration.amazonLWA?.refreshToken),
            "erp.baseURL": erp?.baseURL ?? "(off: no dispatch)",
            "erp.auth": erp?.authentication.mode ?? "",
            "erp.credentials": erp == nil ? "(unset)" : "(set)",
            "erp.maxConcurrentRequests": erp.map { String($0.maxConcurrentRequests) } ?? "",
            "erp.writeMode": erp?.writeMode.rawValue ?? "",
            "alerts.rules": String(configuration.alerts.rules.count),
            "alerts.destinations": destinations.isEmpty ? "(none)" : destinations,
            "reconcile.inRun": configuration.reconcile.inRun.map(String.init) ?? "(when a channel and the ERP are set)",
            "reconcile.schedule": configuration.reconcile.schedule.text,
            "reconcile.shopify.baseURL": shopify?.baseURL ?? "(off)",
            "reconcile.shopify.accessToken": secret(shopify?.accessToken),
            "ops.token": secret(configuration.ops.token),
        ]
    }
}
