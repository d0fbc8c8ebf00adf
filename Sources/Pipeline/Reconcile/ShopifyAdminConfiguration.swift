import Foundation

/// Where and how reconciliation reads the storefront: the Shopify GraphQL Admin API.
public struct ShopifyAdminConfiguration: Sendable {
    /// The shop's base URL, e.g. `https://driftless-demo.myshopify.com` (or the simulator's).
    public var baseURL: String
    /// The Admin API version in the path, e.g. `2025-01`.
    public var apiVersion: String
    /// The `X-Shopify-Access-Token`.
    public var accessToken: Secret
    /// Orders per page (1…250).
    public var pageSize: Int
    /// Upper bound of one throttle or `Retry-After` wait.
    public var maxThrottleWait: Duration
    /// Timeout of one request.
    public var requestTimeout: Duration

    /// Creates a configuration.
    public init(
        baseURL: String, apiVersion: String = "2025-01", accessToken: Secret, pageSize: Int = 250,
        maxThrottleWait: Duration = .seconds(60), requestTimeout: Duration = .seconds(30)
    ) {
        self.baseURL = baseURL
        self.apiVersion = apiVersion
        self.accessToken = accessToken
        self.pageSize = pageSize
        self.maxThrottleWait = maxThrottleWait
        self.requestTimeout = requestTimeout
    }

    /// Checks the settings; an empty token is `emptySecret`, never echoed.
    public func validate() throws(PipelineConfigurationError) {
        if accessToken.value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw .emptySecret(setting: "reconcile.shopify.accessToken")
        }
        guard let url = URL(string: baseURL), let scheme = url.scheme, ["http", "https"].contains(scheme),
            url.host != nil
        else { throw .invalidValue(field: "reconcile.shopify.baseURL", value: baseURL) }
        guard (1...250).contains(pageSize) else {
            throw .invalidValue(field: "reconcile.shopify.pageSize", value: String(pageSize))
        }
    }

    /// The GraphQL endpoint.
    var endpoint: String {
        (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/admin/api/\(apiVersion)/graphql.json"
    }
}
