import Foundation

/// Settings of the SP-API-style marketplace poller.
public struct PollerConfiguration: Sendable, Hashable, Codable {
    /// Base URL of the marketplace API, e.g. `https://sellingpartnerapi-na.amazon.com` or a simulator.
    public var baseURL: String
    /// `MarketplaceIds` parameter.
    public var marketplaceID: String
    /// `MaxResultsPerPage` (1…100).
    public var pageSize: Int
    /// How far behind now the window ends (SP-API: at least 2 minutes).
    public var lagSeconds: Double
    /// Pause between windows.
    public var intervalSeconds: Double
    /// First window start when no checkpoint exists (seconds before now).
    public var initialLookbackSeconds: Double
    /// Longest window read at once; a longer gap (a first start, a long outage) is read as several
    /// windows one after the other.
    public var maxWindowSeconds: Double
    /// Back-off after a 429 without usable hints, doubled up to `maxBackoffSeconds`.
    public var initialBackoffSeconds: Double
    public var maxBackoffSeconds: Double
    /// Name of the checkpoint.
    public var name: String
    /// The operation's usage plan the poller keeps to on its own (``RequestPacer``): requests per
    /// second and burst (SP-API `getOrders`: 0.0167/s, burst 20).
    public var rateLimitPerSecond: Double = 0.0167
    /// Requests that may go at once before pacing starts.
    public var rateLimitBurst: Double = 20
    /// Whether each new or changed order's items are read with `getOrderItems` and carried with the
    /// order (its lines, amounts and totals reach the ERP). The configuration file turns it on by
    /// default (`poller.order_items`); off here, for callers that only need statuses.
    public var orderItems: Bool = false
    /// `getOrderItems`' usage plan, kept to on its own (SP-API: 0.5 requests/s, burst 30).
    public var orderItemsRateLimitPerSecond: Double = 0.5
    /// Requests that may go at once before `getOrderItems` pacing starts.
    public var orderItemsRateLimitBurst: Double = 30
    /// Whether `getOrders` is called with a Restricted Data Token (Tokens API) so it returns buyer name,
    /// email and the full shipping address (personal data; needs a restricted role granted by the
    /// seller). Off: the ERP gets no address and the mapping's default customer.
    public var restrictedDataToken: Bool = false

    public init(
        baseURL: String, marketplaceID: String = "ATVPDKIKX0DER", pageSize: Int = 100, lagSeconds: Double = 120,
        intervalSeconds: Double = 60, initialLookbackSeconds: Double = 48 * 3600, maxWindowSeconds: Double = 6 * 3600,
        initialBackoffSeconds: Double = 1, maxBackoffSeconds: Double = 120, name: String = "amazon"
    ) {
        self.baseURL = baseURL
        self.marketplaceID = marketplaceID
        self.pageSize = min(100, max(1, pageSize))
        self.lagSeconds = max(120, lagSeconds)
        self.intervalSeconds = intervalSeconds
        self.initialLookbackSeconds = initialLookbackSeconds
        self.maxWindowSeconds = max(60, maxWindowSeconds)
        self.initialBackoffSeconds = initialBackoffSeconds
        self.maxBackoffSeconds = maxBackoffSeconds
        self.name = name
    }
}
