/// The `reconcile:` section of the configuration file (the rest of the file is read by
/// `PipelineConfiguration`, which also refuses keys neither reads).
struct ReconcileConfigFile: Decodable, Sendable {
    struct Section: Decodable, Sendable {
        struct Shopify: Decodable, Sendable {
            var baseURL: String?
            var apiVersion: String?
            var accessToken: String?
            var accessTokenFile: String?
            var pageSize: Int?
        }

        var windowHours: Double?
        var dailyAt: String?
        /// Run every this long instead of daily (e.g. `30s`, `15m`): slots aligned to the epoch.
        var every: String?
        var leaseSeconds: Int?
        var concurrency: Int?
        var policy: [String: String]?
        var shopify: Shopify?
        var inRun: Bool?
        /// How far back a run reaches at most after missed runs, e.g. `14d`.
        var maxLookback: String?
        /// Attempts of one run before it is given up.
        var maxRunAttempts: Int?
    }

    var reconcile: Section?
}
