/// How the storefront simulator's GraphQL Admin API authenticates and throttles.
public struct StorefrontGraphQLSettings: Sendable {
    /// The `X-Shopify-Access-Token` it accepts.
    public var accessToken: String
    /// The cost bucket's size (`throttleStatus.maximumAvailable`; Shopify's standard plan: 1 000 points).
    public var maximumAvailable: Double
    /// Points restored per second (`throttleStatus.restoreRate`; standard: 50/s).
    public var restoreRate: Double

    /// Settings; `maximumAvailable` `.infinity` turns throttling off.
    public init(accessToken: String = "shpat_simulator", maximumAvailable: Double = 1000, restoreRate: Double = 50) {
        self.accessToken = accessToken
        self.maximumAvailable = maximumAvailable
        self.restoreRate = restoreRate
    }
}
