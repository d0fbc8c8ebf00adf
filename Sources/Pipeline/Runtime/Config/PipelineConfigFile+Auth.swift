extension PipelineConfigFile {
    /// `poller.lwa:` — Login with Amazon credentials of the SP-API application.
    struct LWA: Decodable, Sendable {
        var tokenUrl: String?
        var clientId: String?
        var clientSecret: String?
        var clientSecretFile: String?
        var refreshToken: String?
        var refreshTokenFile: String?

        private enum CodingKeys: String, CodingKey {
            case tokenUrl, clientId, clientSecret, clientSecretFile, refreshToken, refreshTokenFile
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let present = container.presentSecret
            tokenUrl = try container.decodeIfPresent(String.self, forKey: .tokenUrl)
            clientId = try container.decodeIfPresent(String.self, forKey: .clientId)
            clientSecret = try present(.clientSecret)
            clientSecretFile = try present(.clientSecretFile)
            refreshToken = try present(.refreshToken)
            refreshTokenFile = try present(.refreshTokenFile)
        }
    }

    /// `erp.oauth2:` — NetSuite OAuth 2.0 client credentials (mode `oauth2`).
    struct OAuth2: Decodable, Sendable {
        var clientId: String?
        var certificateId: String?
        var privateKey: String?
        var privateKeyFile: String?
        var scope: String?
        var tokenUrl: String?

        private enum CodingKeys: String, CodingKey {
            case clientId, certificateId, privateKey, privateKeyFile, scope, tokenUrl
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let present = container.presentSecret
            clientId = try container.decodeIfPresent(String.self, forKey: .clientId)
            certificateId = try container.decodeIfPresent(String.self, forKey: .certificateId)
            privateKey = try present(.privateKey)
            privateKeyFile = try present(.privateKeyFile)
            scope = try container.decodeIfPresent(String.self, forKey: .scope)
            tokenUrl = try container.decodeIfPresent(String.self, forKey: .tokenUrl)
        }
    }

    /// `erp.tba:` — NetSuite token-based authentication (mode `tba`).
    struct TBA: Decodable, Sendable {
        var accountId: String?
        var consumerKey: String?
        var consumerSecret: String?
        var consumerSecretFile: String?
        var tokenId: String?
        var tokenSecret: String?
        var tokenSecretFile: String?

        private enum CodingKeys: String, CodingKey {
            case accountId, consumerKey, consumerSecret, consumerSecretFile, tokenId, tokenSecret, tokenSecretFile
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let present = container.presentSecret
            accountId = try container.decodeIfPresent(String.self, forKey: .accountId)
            consumerKey = try container.decodeIfPresent(String.self, forKey: .consumerKey)
            consumerSecret = try present(.consumerSecret)
            consumerSecretFile = try present(.consumerSecretFile)
            tokenId = try container.decodeIfPresent(String.self, forKey: .tokenId)
            tokenSecret = try present(.tokenSecret)
            tokenSecretFile = try present(.tokenSecretFile)
        }
    }
}
