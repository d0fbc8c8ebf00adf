/// The YAML config file's sections that have readers of their own, as written (every field optional;
/// defaults fill the gaps). The `kafka`, `ledger`, `stages`, `mapping`, `health`, `metrics` and
/// `dispatch` sections and the scalar keys of `ingest` are rows of ``SettingsTable`` instead. See
/// `Deploy/driftless.yaml` for an annotated example.
struct PipelineConfigFile: Decodable, Sendable {
    struct Shopify: Decodable, Sendable {
        var secret: String?
        var secretFile: String?
        var previousSecret: String?
        var previousSecretFile: String?

        private enum CodingKeys: String, CodingKey {
            case secret, secretFile, previousSecret, previousSecretFile
        }

        /// A key that is present counts as set even when YAML reads its value as null (`secret:`,
        /// `secret: ""`): it then resolves to an empty secret, which fails start-up.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let present = container.presentSecret
            secret = try present(.secret)
            secretFile = try present(.secretFile)
            previousSecret = try present(.previousSecret)
            previousSecretFile = try present(.previousSecretFile)
        }
    }

    /// `ingest:` — its table-driven keys (``SettingsTable``) aside.
    struct Ingest: Decodable, Sendable {
        var shopify: Shopify?
    }

    struct Poller: Decodable, Sendable {
        var enabled: Bool?
        var baseURL: String?
        var marketplaceID: String?
        var pageSize: Int?
        var intervalSeconds: Double?
        var lagSeconds: Double?
        var initialLookbackSeconds: Double?
        var maxWindowSeconds: Double?
        var maxBackoffSeconds: Double?
        var rateLimitPerSecond: Double?
        var rateLimitBurst: Double?
        var orderItems: Bool?
        var orderItemsRateLimitPerSecond: Double?
        var orderItemsRateLimitBurst: Double?
        var restrictedDataToken: Bool?
        var lwa: LWA?
    }

    /// `erp:` — where dispatch writes (absent: no dispatch).
    struct ERP: Decodable, Sendable {
        var baseURL: String?
        var token: String?
        var tokenFile: String?
        var maxConcurrentRequests: Int?
        var requestTimeoutMs: Int?
        /// `async` (default: NetSuite asynchronous requests with idempotency keys) or `sync`.
        var writeMode: String?
        /// `bearer` (default), `oauth2` or `tba`.
        var auth: String?
        var oauth2: OAuth2?
        var tba: TBA?

        private enum CodingKeys: String, CodingKey {
            case baseURL, token, tokenFile, maxConcurrentRequests, requestTimeoutMs, writeMode, auth, oauth2, tba
        }

        /// As for the Shopify secret: a present token key with a null value counts as set (and empty).
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let present = container.presentSecret
            baseURL = try container.decodeIfPresent(String.self, forKey: .baseURL)
            token = try present(.token)
            tokenFile = try present(.tokenFile)
            maxConcurrentRequests = try container.decodeIfPresent(Int.self, forKey: .maxConcurrentRequests)
            requestTimeoutMs = try container.decodeIfPresent(Int.self, forKey: .requestTimeoutMs)
            writeMode = try container.decodeIfPresent(String.self, forKey: .writeMode)
            auth = try container.decodeIfPresent(String.self, forKey: .auth)
            oauth2 = try container.decodeIfPresent(OAuth2.self, forKey: .oauth2)
            tba = try container.decodeIfPresent(TBA.self, forKey: .tba)
        }
    }

    var ingest: Ingest?
    var poller: Poller?
    var erp: ERP?
    var alerts: Alerts?
}

extension KeyedDecodingContainer {
    /// A secret setting as written: nil when the key is absent, "" when it is present but null
    /// (`secret:`), so a present-but-empty secret fails start-up instead of silently turning a
    /// feature off.
    func presentSecret(_ key: Key) throws -> String? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) { return "" }
        return try decode(String.self, forKey: key)
    }
}
