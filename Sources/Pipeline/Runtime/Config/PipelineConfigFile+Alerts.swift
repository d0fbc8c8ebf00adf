extension PipelineConfigFile {
    /// `alerts:` — rules, cool-down, destinations (``AlertConfiguration``).
    struct Alerts: Decodable, Sendable {
        /// `alerts.rules[]`: one rule; `rule` names its kind.
        struct Rule: Decodable, Sendable {
            var rule: String?
            var threshold: Int?
            var windowMinutes: Double?
            var forMinutes: Double?
            var severity: String?
        }

        /// `alerts.slack` / `alerts.teams`: the webhook URL (a secret) inline or in a file.
        struct Destination: Decodable, Sendable {
            var url: String?
            var urlFile: String?

            private enum CodingKeys: String, CodingKey { case url, urlFile }

            /// A present key with a null value counts as set (and empty): a start-up error.
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                let present = container.presentSecret
                url = try present(.url)
                urlFile = try present(.urlFile)
            }
        }

        var cooldownMinutes: Double?
        var evaluationIntervalMs: Int?
        var maxAttempts: Int?
        var maxRetryAfterSeconds: Double?
        var rules: [Rule]?
        var slack: Destination?
        var teams: Destination?
    }
}
