import Crypto
import Foundation
import Logging
import Simulators

@testable import Pipeline

/// The ERP simulator insisting on one authentication mode, and the client credentials that pass:
/// an OAuth 2.0 client (id, certificate id, a P-256 key pair made for this simulator, tokens living
/// `tokenLifetime` seconds), a TBA consumer/token pair, or a static token.
struct TestERP: Sendable {
    let simulator: ERPSimulator
    /// What a client passes with.
    let authentication: ERPAuthentication
    let auth: TestERPAuth

    static let clientID = "driftless-test-client"
    static let certificateID = "test-cert-1"
    static let token = "erp-test-token"
    static let tba = NetSuiteTBACredentials(
        accountID: "1234567_SB1", consumerKey: "ck-test", consumerSecret: Secret("cs/test secret+="),
        tokenID: "tk-test", tokenSecret: Secret("ts&test~secret"))

    /// Starts the simulator requiring `auth` (nil: ``TestERPAuth/fromEnvironment()``; faults and
    /// clock as given).
    static func start(
        auth: TestERPAuth? = nil, faults: ERPFaults = ERPFaults(), store: ERPStore = ERPStore(),
        tokenLifetime: TimeInterval = 3600, now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = TestERP.quiet
    ) async throws -> TestERP {
        let auth = try auth ?? TestERPAuth.fromEnvironment()
        let credentials: ERPSimulatorCredentials
        let authentication: ERPAuthentication
        switch auth {
        case .bearer:
            credentials = ERPSimulatorCredentials(staticToken: token)
            authentication = .bearer(token: Secret(token))
        case .oauth2:
            let key = P256.Signing.PrivateKey()
            credentials = ERPSimulatorCredentials(
                oauth2Clients: [.init(clientID: clientID, certificateID: certificateID, publicKey: key.publicKey)],
                tokenLifetime: tokenLifetime)
            authentication = .oauth2(
                NetSuiteOAuth2Configuration(
                    clientID: clientID, certificateID: certificateID, privateKey: Secret(key.pemRepresentation)))
        case .tba:
            credentials = ERPSimulatorCredentials(
                tba: .init(
                    accountID: tba.accountID, consumerKey: tba.consumerKey, consumerSecret: tba.consumerSecret.value,
                    tokenID: tba.tokenID, tokenSecret: tba.tokenSecret.value))
            authentication = .tba(tba)
        }
        let simulator = try await ERPSimulator.start(
            store: store, faults: faults, credentials: credentials, now: now, logger: logger)
        return TestERP(simulator: simulator, authentication: authentication, auth: auth)
    }

    /// Credentials of the same mode that the simulator refuses: another private key (not the
    /// registered certificate's), another token secret, another static token.
    var wrongAuthentication: ERPAuthentication {
        switch authentication {
        case .bearer: return .bearer(token: Secret("not-the-token"))
        case .oauth2(var settings):
            settings.privateKey = Secret(P256.Signing.PrivateKey().pemRepresentation)
            return .oauth2(settings)
        case .tba(var credentials):
            credentials.tokenSecret = Secret("not-the-token-secret")
            return .tba(credentials)
        }
    }

    /// A client configuration that authenticates (or, with `authentication`, as given).
    func configuration(
        maxConcurrentRequests: Int = 4, requestTimeout: Duration = .seconds(30),
        authentication: ERPAuthentication? = nil
    ) -> ERPConfiguration {
        ERPConfiguration(
            baseURL: simulator.server.baseURL, authentication: authentication ?? self.authentication,
            maxConcurrentRequests: maxConcurrentRequests, requestTimeout: requestTimeout)
    }

    /// The `DRIFTLESS_ERP_*` variables a `driftless` process needs to reach and pass this ERP.
    var environment: [String: String] {
        var variables = ["DRIFTLESS_ERP_URL": simulator.server.baseURL, "DRIFTLESS_ERP_AUTH": auth.rawValue]
        switch authentication {
        case .bearer(let token): variables["DRIFTLESS_ERP_TOKEN"] = token.value
        case .oauth2(let settings):
            variables["DRIFTLESS_ERP_OAUTH2_CLIENT_ID"] = settings.clientID
            variables["DRIFTLESS_ERP_OAUTH2_CERTIFICATE_ID"] = settings.certificateID
            variables["DRIFTLESS_ERP_OAUTH2_PRIVATE_KEY"] = settings.privateKey.value
        case .tba(let credentials):
            variables["DRIFTLESS_ERP_TBA_ACCOUNT_ID"] = credentials.accountID
            variables["DRIFTLESS_ERP_TBA_CONSUMER_KEY"] = credentials.consumerKey
            variables["DRIFTLESS_ERP_TBA_CONSUMER_SECRET"] = credentials.consumerSecret.value
            variables["DRIFTLESS_ERP_TBA_TOKEN_ID"] = credentials.tokenID
            variables["DRIFTLESS_ERP_TBA_TOKEN_SECRET"] = credentials.tokenSecret.value
        }
        return variables
    }

    /// An ``ERPSync`` over a client that authenticates.
    func sync(maxConcurrentRequests: Int = 4) throws -> ERPSync {
        ERPSync(client: try ERPClient(configuration: configuration(maxConcurrentRequests: maxConcurrentRequests)))
    }

    func stop() async {
        await simulator.stop()
    }

    static var quiet: Logger {
        var logger = Logger(label: "erp-simulator")
        logger.logLevel = .warning
        return logger
    }
}
