import Foundation

extension PipelineConfiguration {
    static let erpToken = SecretSource(
        valueVariable: "DRIFTLESS_ERP_TOKEN", fileVariable: "DRIFTLESS_ERP_TOKEN_FILE", valueKey: "erp.token",
        fileKey: "erp.tokenFile")

    /// The ERP destination from the environment (`DRIFTLESS_ERP_URL`, `DRIFTLESS_ERP_TOKEN` or
    /// `DRIFTLESS_ERP_TOKEN_FILE`, `DRIFTLESS_ERP_MAX_CONCURRENT_REQUESTS`,
    /// `DRIFTLESS_ERP_REQUEST_TIMEOUT_MS`) over the file's `erp:` section. Dispatch is configured
    /// when a base URL is; a URL without a token (or an empty token) is a configuration error, and
    /// so is a token without a URL (it would be silently unused).
    mutating func resolveERP(file: PipelineConfigFile.ERP?, environment env: [String: String]) throws {
        func value(_ name: String) -> String? {
            guard let text = env[name], !text.isEmpty else { return nil }
            return text
        }
        func integer(_ name: String) throws -> Int? {
            guard let text = value(name) else { return nil }
            guard let number = Int(text) else {
                throw PipelineConfigurationError.invalidVariable(name: name, value: text)
            }
            return number
        }
        let url = value("DRIFTLESS_ERP_URL") ?? file?.baseURL.flatMap { $0.isEmpty ? nil : $0 } ?? erp?.baseURL
        let token =
            try Self.erpToken.resolve(environment: env, fileValue: file?.token, filePath: file?.tokenFile)
        let authentication = try resolveERPAuthentication(file: file, environment: env, bearer: token)
        guard let url else {
            if token != nil {
                throw PipelineConfigurationError.missingSetting(setting: "erp.baseURL", neededBy: "erp.token")
            }
            if authentication != nil {
                throw PipelineConfigurationError.missingSetting(setting: "erp.baseURL", neededBy: "erp.auth")
            }
            return
        }
        guard let authentication = authentication ?? erp?.authentication else {
            throw PipelineConfigurationError.missingSetting(
                setting: "erp.token (DRIFTLESS_ERP_TOKEN / DRIFTLESS_ERP_TOKEN_FILE)", neededBy: "erp.baseURL")
        }
        var configuration = ERPConfiguration(baseURL: url, authentication: authentication)
        configuration.maxConcurrentRequests =
            try integer("DRIFTLESS_ERP_MAX_CONCURRENT_REQUESTS") ?? file?.maxConcurrentRequests
            ?? erp?.maxConcurrentRequests ?? configuration.maxConcurrentRequests
        if let timeout = try integer("DRIFTLESS_ERP_REQUEST_TIMEOUT_MS") ?? file?.requestTimeoutMs {
            configuration.requestTimeout = .milliseconds(timeout)
        } else if let existing = erp?.requestTimeout {
            configuration.requestTimeout = existing
        }
        if let mode = value("DRIFTLESS_ERP_WRITE_MODE") ?? file?.writeMode {
            guard let parsed = ERPWriteMode(rawValue: mode) else {
                throw PipelineConfigurationError.invalidValue(field: "erp.writeMode", value: mode)
            }
            configuration.writeMode = parsed
        } else if let existing = erp?.writeMode {
            configuration.writeMode = existing
        }
        erp = configuration
    }
}
