import Crypto
import DriftlessOperations
import Foundation
import Logging
import Pipeline
import Simulators

/// The systems around Driftless in the demo, in-process on free loopback ports: a Shopify-style
/// storefront (webhooks signed with the app secret, GraphQL Admin API behind an access token), an
/// Amazon-style marketplace (getOrders behind Login with Amazon) and a NetSuite-style ERP (OAuth 2.0
/// client credentials with an ES256 client assertion). Credentials are made fresh for every run and
/// never printed.
struct DemoWorld: Sendable {
    let storefront: StorefrontSimulator
    let marketplace: MarketplaceSimulator
    let erp: ERPSimulator
    /// The Shopify app secret webhooks are signed with.
    let webhookSecret: String
    /// The storefront's Admin API access token (reconciliation reads through it).
    let shopifyToken: String
    let lwa: LWASimulatorCredentials
    /// The ERP client's OAuth 2.0 settings (client id, certificate id, private key PEM).
    let oauth2: NetSuiteOAuth2Configuration

    /// Starts the three simulators; the storefront's clock starts `storefrontSeconds` before `now`.
    static func start(settings: DemoSettings, now: Date, logger: Logger) async throws -> DemoWorld {
        let shopifyToken = "shpat_" + randomToken()
        let storefront = try await StorefrontSimulator.start(
            store: StorefrontStore(
                start: now.addingTimeInterval(-DemoScenario.storefrontSeconds(orders: settings.orders)),
                seed: settings.seed),
            graphQL: StorefrontGraphQLSettings(accessToken: shopifyToken), logger: logger)
        let lwa = LWASimulatorCredentials(
            clientID: "amzn1.application-oa2-client.driftless-demo", clientSecret: randomToken(),
            refreshToken: "Atzr|" + randomToken())
        // getOrders at 10/s (SP-API allows 0.0167/s with a burst of 20) and getOrderItems at 20/s (SP-API:
        // 0.5/s, burst 30): the demo has no minute to spare.
        let marketplace = try await MarketplaceSimulator.start(
            store: MarketplaceStore(seed: settings.seed), rate: 10, burst: 20, orderItemsRate: 20, orderItemsBurst: 30,
            lwa: lwa, logger: logger)
        let key = P256.Signing.PrivateKey()
        let oauth2 = NetSuiteOAuth2Configuration(
            clientID: "driftless-demo-integration", certificateID: "cert-demo-" + randomToken().prefix(8),
            privateKey: Secret(key.pemRepresentation))
        let erp = try await ERPSimulator.start(
            faults: ERPFaults(seed: settings.seed),
            credentials: ERPSimulatorCredentials(
                oauth2Clients: [
                    .init(clientID: oauth2.clientID, certificateID: oauth2.certificateID, publicKey: key.publicKey)
                ]),
            logger: logger)
        return DemoWorld(
            storefront: storefront, marketplace: marketplace, erp: erp, webhookSecret: randomToken(),
            shopifyToken: shopifyToken, lwa: lwa, oauth2: oauth2)
    }

    /// The ERP client settings dispatch and reconciliation use.
    var erpConfiguration: ERPConfiguration {
        ERPConfiguration(
            baseURL: erp.server.baseURL, authentication: .oauth2(oauth2), maxConcurrentRequests: 8,
            requestTimeout: .seconds(10))
    }

    /// The poller's LWA settings.
    var lwaConfiguration: LWAConfiguration {
        LWAConfiguration(
            tokenURL: marketplace.tokenURL, clientID: lwa.clientID, clientSecret: Secret(lwa.clientSecret),
            refreshToken: Secret(lwa.refreshToken))
    }

    /// Stops the simulators.
    func stop() async {
        await storefront.stop()
        await marketplace.stop()
        await erp.stop()
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<24).map { _ in String(UInt8.random(in: 0...15, using: &generator), radix: 16) }.joined()
    }
}
