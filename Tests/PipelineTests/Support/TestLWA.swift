import Foundation
import Simulators

@testable import Pipeline

/// The one SP-API application every marketplace test authenticates as (Login with Amazon): the
/// simulator's credentials and a token provider against its token endpoint.
enum TestLWA {
    static let credentials = LWASimulatorCredentials(
        clientID: "amzn1.application-oa2-client.test", clientSecret: "lwa-test-secret",
        refreshToken: "Atzr|test-refresh")

    /// A provider of tokens from `marketplace`'s LWA endpoint, on `now`'s clock.
    static func provider(
        _ marketplace: MarketplaceSimulator, now: @escaping @Sendable () -> Date = { Date() }
    ) -> LWATokenProvider {
        LWATokenProvider(
            configuration: LWAConfiguration(
                tokenURL: marketplace.tokenURL, clientID: credentials.clientID,
                clientSecret: Secret(credentials.clientSecret), refreshToken: Secret(credentials.refreshToken)),
            now: now)
    }
}
