import Crypto
import DriftlessTesting
import Foundation
import XCTest

@testable import Pipeline

/// `erp.auth` (bearer, oauth2, tba) and `poller.lwa` from the environment and the config file:
/// secrets from values or files, a missing or empty one an error naming the setting, never the value.
final class AuthConfigurationTests: XCTestCase {
    private var files: TemporaryFiles!

    override func setUpWithError() throws {
        files = try TemporaryFiles(prefix: "driftless-auth")
    }

    override func tearDownWithError() throws {
        files.remove()
    }

    private func assertError(
        _ environment: [String: String], file: String? = nil, line: UInt = #line,
        _ expected: PipelineConfigurationError
    ) {
        XCTAssertThrowsError(try PipelineConfiguration.load(file: file, environment: environment), line: line) {
            XCTAssertEqual($0 as? PipelineConfigurationError, expected, line: line)
            XCTAssertFalse("\($0)".contains("s3cret"), "never the secret", line: line)
        }
    }

    func testERPModesResolveFromEnvironmentAndFile() throws {
        let url = "http://127.0.0.1:9300"
        let bearer = try PipelineConfiguration.load(
            file: nil, environment: ["DRIFTLESS_ERP_URL": url, "DRIFTLESS_ERP_TOKEN": "s3cret"])
        XCTAssertEqual(bearer.erp?.authentication, .bearer(token: Secret("s3cret")), "the default mode")

        let key = try files.write(P256.Signing.PrivateKey().pemRepresentation, "key.pem")
        let oauth2 = try PipelineConfiguration.load(
            file: nil,
            environment: [
                "DRIFTLESS_ERP_URL": url, "DRIFTLESS_ERP_AUTH": "oauth2", "DRIFTLESS_ERP_OAUTH2_CLIENT_ID": "cid",
                "DRIFTLESS_ERP_OAUTH2_CERTIFICATE_ID": "kid", "DRIFTLESS_ERP_OAUTH2_PRIVATE_KEY_FILE": key,
            ])
        guard case .oauth2(let settings)? = oauth2.erp?.authentication else { return XCTFail("not oauth2") }
        XCTAssertEqual(settings.clientID, "cid")
        XCTAssertEqual(settings.certificateID, "kid")
        XCTAssertEqual(settings.scope, "restlets,rest_webservices")
        XCTAssertFalse("\(oauth2.erp?.authentication as Any)".contains("PRIVATE KEY"))

        let secretFile = try files.write("s3cret-token\n", "token-secret")
        let yaml = try files.write(
            """
            erp:
              baseURL: \(url)
              auth: tba
              tba:
                accountId: "1234567_SB1"
                consumerKey: ck
                consumerSecret: s3cret-consumer
                tokenId: tk
                tokenSecretFile: \(secretFile)
            """, "tba.yaml")
        let tba = try PipelineConfiguration.load(file: yaml, environment: [:])
        XCTAssertEqual(
            tba.erp?.authentication,
            .tba(
                NetSuiteTBACredentials(
                    accountID: "1234567_SB1", consumerKey: "ck", consumerSecret: Secret("s3cret-consumer"),
                    tokenID: "tk", tokenSecret: Secret("s3cret-token"))))
    }

    func testMissingOrEmptyAuthSettingsNameTheSetting() throws {
        let url = "http://127.0.0.1:9300"
        assertError(
            [
                "DRIFTLESS_ERP_URL": url, "DRIFTLESS_ERP_AUTH": "tba", "DRIFTLESS_ERP_TBA_ACCOUNT_ID": "1",
                "DRIFTLESS_ERP_TBA_CONSUMER_KEY": "ck", "DRIFTLESS_ERP_TBA_CONSUMER_SECRET": "s3cret",
                "DRIFTLESS_ERP_TBA_TOKEN_ID": "tk",
            ],
            .missingSetting(
                setting: "erp.tba.tokenSecret (DRIFTLESS_ERP_TBA_TOKEN_SECRET[_FILE])", neededBy: "erp.auth: tba"))
        assertError(
            [
                "DRIFTLESS_ERP_URL": url, "DRIFTLESS_ERP_AUTH": "tba", "DRIFTLESS_ERP_TBA_ACCOUNT_ID": "1",
                "DRIFTLESS_ERP_TBA_CONSUMER_KEY": "ck", "DRIFTLESS_ERP_TBA_CONSUMER_SECRET": " ",
                "DRIFTLESS_ERP_TBA_TOKEN_ID": "tk", "DRIFTLESS_ERP_TBA_TOKEN_SECRET": "s3cret",
            ],
            .emptySecret(setting: "DRIFTLESS_ERP_TBA_CONSUMER_SECRET"))
        assertError(
            [
                "DRIFTLESS_ERP_URL": url, "DRIFTLESS_ERP_AUTH": "oauth2", "DRIFTLESS_ERP_OAUTH2_CLIENT_ID": "cid",
                "DRIFTLESS_ERP_OAUTH2_CERTIFICATE_ID": "kid", "DRIFTLESS_ERP_OAUTH2_PRIVATE_KEY": "s3cret",
            ],
            .invalidValue(field: "erp.oauth2.privateKey", value: "<not an EC P-256 private key in PEM>"))
        assertError(
            ["DRIFTLESS_ERP_URL": url, "DRIFTLESS_ERP_AUTH": "kerberos"],
            .invalidValue(field: "erp.auth", value: "kerberos (bearer, oauth2 or tba)"))
        assertError(
            ["DRIFTLESS_LWA_CLIENT_ID": "amzn1.application-oa2-client.x", "DRIFTLESS_LWA_CLIENT_SECRET": "s3cret"],
            .missingSetting(
                setting: "poller.lwa.refreshToken (DRIFTLESS_LWA_REFRESH_TOKEN[_FILE])", neededBy: "poller.lwa"))
        let empty = try files.write("", "empty-refresh-token")
        assertError(
            [
                "DRIFTLESS_LWA_CLIENT_ID": "x", "DRIFTLESS_LWA_CLIENT_SECRET": "s3cret",
                "DRIFTLESS_LWA_REFRESH_TOKEN_FILE": empty,
            ],
            .emptySecret(setting: "DRIFTLESS_LWA_REFRESH_TOKEN_FILE (\(empty))"))

        let lwa = try PipelineConfiguration.load(
            file: nil,
            environment: [
                "DRIFTLESS_LWA_CLIENT_ID": "x", "DRIFTLESS_LWA_CLIENT_SECRET": "s3cret",
                "DRIFTLESS_LWA_REFRESH_TOKEN": "Atzr|s3cret",
                "DRIFTLESS_LWA_TOKEN_URL": "https://api.amazon.co.uk/auth/o2/token",
            ])
        XCTAssertEqual(lwa.amazonLWA?.tokenURL, "https://api.amazon.co.uk/auth/o2/token")
        XCTAssertEqual(lwa.amazonLWA?.refreshToken, Secret("Atzr|s3cret"))
    }
}
