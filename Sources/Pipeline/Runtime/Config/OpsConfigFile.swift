/// The `ops:` section of the YAML file (the operations console): read on its own, like
/// `reconcile:`, so its keys count as known to the unknown-key check.
struct OpsConfigFile: Decodable, Sendable {
    /// `ops:` — the token the console asks for and an optional listener of its own.
    struct Section: Decodable, Sendable {
        var token: String?
        var tokenFile: String?
        var listen: String?

        private enum CodingKeys: String, CodingKey {
            case token, tokenFile, listen
        }

        init() {}

        /// A token key that is present but null counts as set (and then fails start-up as empty).
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let present = container.presentSecret
            token = try present(.token)
            tokenFile = try present(.tokenFile)
            listen = try container.decodeIfPresent(String.self, forKey: .listen)
        }
    }

    var ops: Section?
}
