import Foundation

/// Where a secret may be configured, in the order the sources win: an environment variable holding
/// the value, an environment variable naming a file, the config file's inline value, the config
/// file's file setting.
///
/// A source that is *set* but holds nothing usable (empty or whitespace only, or a file that is) is a
/// configuration error naming the setting, never the value: an empty HMAC key would accept anything
/// signed with it. A secret that is not configured at all resolves to nil.
struct SecretSource {
    /// Environment variable holding the value, e.g. `DRIFTLESS_SHOPIFY_SECRET`.
    var valueVariable: String
    /// Environment variable naming a file, e.g. `DRIFTLESS_SHOPIFY_SECRET_FILE`.
    var fileVariable: String
    /// Config-file key of the inline value, e.g. `ingest.shopify.secret`.
    var valueKey: String
    /// Config-file key of the file, e.g. `ingest.shopify.secretFile`.
    var fileKey: String

    /// The secret from the first source that is set, or nil when none is.
    func resolve(environment: [String: String], fileValue: String?, filePath: String?) throws -> Secret? {
        if let value = environment[valueVariable] { return try Self.inline(value, setting: valueVariable) }
        if let path = environment[fileVariable] { return try Self.read(path, setting: fileVariable) }
        if let value = fileValue { return try Self.inline(value, setting: valueKey) }
        if let path = filePath { return try Self.read(path, setting: fileKey) }
        return nil
    }

    static func inline(_ value: String, setting: String) throws -> Secret {
        guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw PipelineConfigurationError.emptySecret(setting: setting)
        }
        return Secret(value)
    }

    /// Reads a secret file; a trailing newline (and surrounding whitespace) is trimmed.
    static func read(_ path: String, setting: String) throws -> Secret {
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw PipelineConfigurationError.emptySecret(setting: setting)
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PipelineConfigurationError.unreadable(
                path: path, reason: "secret file (\(setting)): \(error.localizedDescription)")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw PipelineConfigurationError.emptySecret(setting: "\(setting) (\(path))") }
        return Secret(trimmed)
    }

    static let shopifyCurrent = SecretSource(
        valueVariable: "DRIFTLESS_SHOPIFY_SECRET", fileVariable: "DRIFTLESS_SHOPIFY_SECRET_FILE",
        valueKey: "ingest.shopify.secret", fileKey: "ingest.shopify.secretFile")
    static let shopifyPrevious = SecretSource(
        valueVariable: "DRIFTLESS_SHOPIFY_PREVIOUS_SECRET", fileVariable: "DRIFTLESS_SHOPIFY_PREVIOUS_SECRET_FILE",
        valueKey: "ingest.shopify.previousSecret", fileKey: "ingest.shopify.previousSecretFile")
}
