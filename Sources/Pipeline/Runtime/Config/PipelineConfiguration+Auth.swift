import Foundation

extension PipelineConfiguration {
    static let lwaClientSecret = SecretSource(
        valueVariable: "DRIFTLESS_LWA_CLIENT_SECRET", fileVariable: "DRIFTLESS_LWA_CLIENT_SECRET_FILE",
        valueKey: "poller.lwa.clientSecret", fileKey: "poller.lwa.clientSecretFile")
    static let lwaRefreshToken = SecretSource(
        valueVariable: "DRIFTLESS_LWA_REFRESH_TOKEN", fileVariable: "DRIFTLESS_LWA_REFRESH_TOKEN_FILE",
        valueKey: "poller.lwa.refreshToken", fileKey: "poller.lwa.refreshTokenFile")
    static let erpPrivateKey = SecretSource(
        valueVariable: "DRIFTLESS_ERP_OAUTH2_PRIVATE_KEY", fileVariable: "DRIFTLESS_ERP_OAUTH2_PRIVATE_KEY_FILE",
        valueKey: "erp.oauth2.privateKey", fileKey: "erp.oauth2.privateKeyFile")
    static let erpConsumerSecret = SecretSource(
        valueVariable: "DRIFTLESS_ERP_TBA_CONSUMER_SECRET", fileVariable: "DRIFTLESS_ERP_TBA_CONSUMER_SECRET_FILE",
        valueKey: "erp.tba.consumerSecret", fileKey: "erp.tba.consumerSecretFile")
    static let erpTokenSecret = SecretSource(
        valueVariable: "DRIFTLESS_ERP_TBA_TOKEN_SECRET", fileVariable: "DRIFTLESS_ERP_TBA_TOKEN_SECRET_FILE",
        valueKey: "erp.tba.tokenSecret", fileKey: "erp.tba.tokenSecretFile")

    /// The poller's LWA credentials (`DRIFTLESS_LWA_CLIENT_ID`, `DRIFTLESS_LWA_CLIENT_SECRET[_FILE]`,
    /// `DRIFTLESS_LWA_REFRESH_TOKEN[_FILE]`, `DRIFTLESS_LWA_TOKEN_URL` over `poller.lwa`). Any one
    /// of them set makes all required; none set: no LWA (the simulator without auth).
    mutating func resolveLWA(file: PipelineConfigFile.LWA?, environment env: [String: String]) throws {
        let variables = EnvironmentValues(environment: env)
        let clientID = variables.value("DRIFTLESS_LWA_CLIENT_ID") ?? file?.clientId
        let secret = try Self.lwaClientSecret.resolve(
            environment: env, fileValue: file?.clientSecret, filePath: file?.clientSecretFile)
        let refresh = try Self.lwaRefreshToken.resolve(
            environment: env, fileValue: file?.refreshToken, filePath: file?.refreshTokenFile)
        guard clientID != nil || secret != nil || refresh != nil || file != nil else { return }
        let needed = "poller.lwa"
        guard let clientID else {
            throw PipelineConfigurationError.missingSetting(
                setting: "poller.lwa.clientId (DRIFTLESS_LWA_CLIENT_ID)", neededBy: needed)
        }
        guard let secret else {
            throw PipelineConfigurationError.missingSetting(
                setting: "poller.lwa.clientSecret (DRIFTLESS_LWA_CLIENT_SECRET[_FILE])", neededBy: needed)
        }
        guard let refresh else {
            throw PipelineConfigurationError.missingSetting(
                setting: "poller.lwa.refreshToken (DRIFTLESS_LWA_REFRESH_TOKEN[_FILE])", neededBy: needed)
        }
        amazonLWA = LWAConfiguration(
            tokenURL: variables.value("DRIFTLESS_LWA_TOKEN_URL") ?? file?.tokenUrl ?? LWAConfiguration.northAmerica,
            clientID: clientID, clientSecret: secret, refreshToken: refresh)
        try amazonLWA?.validate()
    }

    /// The ERP's authentication for `mode` (`DRIFTLESS_ERP_AUTH` / `erp.auth`: `bearer`, the
    /// default, `oauth2` or `tba`), nil in mode `bearer` when no token is set. A missing setting of
    /// the chosen mode is an error naming it.
    func resolveERPAuthentication(
        file: PipelineConfigFile.ERP?, environment env: [String: String], bearer: Secret?
    ) throws -> ERPAuthentication? {
        let variables = EnvironmentValues(environment: env)
        let mode = variables.value("DRIFTLESS_ERP_AUTH") ?? file?.auth ?? erp?.authentication.mode ?? "bearer"
        func required(_ value: String?, _ setting: String, _ variable: String) throws -> String {
            guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw PipelineConfigurationError.missingSetting(
                    setting: "\(setting) (\(variable))", neededBy: "erp.auth: \(mode)")
            }
            return value
        }
        func secret(_ source: SecretSource, _ value: String?, _ path: String?) throws -> Secret {
            guard let secret = try source.resolve(environment: env, fileValue: value, filePath: path) else {
                throw PipelineConfigurationError.missingSetting(
                    setting: "\(source.valueKey) (\(source.valueVariable)[_FILE])", neededBy: "erp.auth: \(mode)")
            }
            return secret
        }
        switch mode {
        case "bearer":
            return bearer.map { .bearer(token: $0) }
        case "oauth2":
            let section = file?.oauth2
            return .oauth2(
                NetSuiteOAuth2Configuration(
                    clientID: try required(
                        variables.value("DRIFTLESS_ERP_OAUTH2_CLIENT_ID") ?? section?.clientId, "erp.oauth2.clientId",
                        "DRIFTLESS_ERP_OAUTH2_CLIENT_ID"),
                    certificateID: try required(
                        variables.value("DRIFTLESS_ERP_OAUTH2_CERTIFICATE_ID") ?? section?.certificateId,
                        "erp.oauth2.certificateId", "DRIFTLESS_ERP_OAUTH2_CERTIFICATE_ID"),
                    privateKey: try secret(Self.erpPrivateKey, section?.privateKey, section?.privateKeyFile),
                    scope: section?.scope ?? "restlets,rest_webservices",
                    tokenURL: variables.value("DRIFTLESS_ERP_OAUTH2_TOKEN_URL") ?? section?.tokenUrl))
        case "tba":
            let section = file?.tba
            return .tba(
                NetSuiteTBACredentials(
                    accountID: try required(
                        variables.value("DRIFTLESS_ERP_TBA_ACCOUNT_ID") ?? section?.accountId, "erp.tba.accountId",
                        "DRIFTLESS_ERP_TBA_ACCOUNT_ID"),
                    consumerKey: try required(
                        variables.value("DRIFTLESS_ERP_TBA_CONSUMER_KEY") ?? section?.consumerKey,
                        "erp.tba.consumerKey", "DRIFTLESS_ERP_TBA_CONSUMER_KEY"),
                    consumerSecret: try secret(
                        Self.erpConsumerSecret, section?.consumerSecret, section?.consumerSecretFile),
                    tokenID: try required(
                        variables.value("DRIFTLESS_ERP_TBA_TOKEN_ID") ?? section?.tokenId, "erp.tba.tokenId",
                        "DRIFTLESS_ERP_TBA_TOKEN_ID"),
                    tokenSecret: try secret(Self.erpTokenSecret, section?.tokenSecret, section?.tokenSecretFile)))
        default:
            throw PipelineConfigurationError.invalidValue(field: "erp.auth", value: "\(mode) (bearer, oauth2 or tba)")
        }
    }
}
