/// The `reconcile:` section of the configuration file (the rest of the file is read by
/// `PipelineConfiguration`; unknown keys are ignored there).
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
        var leaseSeconds: Int?
        var concurrency: Int?
        var policy: [String: String]?
        var shopify: Shopify?
        var inRun: Bool?
    }

    var reconcile: Section?
}
