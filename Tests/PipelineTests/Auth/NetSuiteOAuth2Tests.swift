import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import Simulators
import XCTest

@testable import Pipeline

/// NetSuite OAuth 2.0 machine-to-machine: the ES256 client assertion, tokens from the ERP
/// simulator's token endpoint, cached, and replaced once when the ERP stops accepting one.
final class NetSuiteOAuth2Tests: XCTestCase {
    let key = P256.Signing.PrivateKey()

    func settings(key: P256.Signing.PrivateKey? = nil) -> NetSuiteOAuth2Configuration {
        let key = key ?? self.key
        return NetSuiteOAuth2Configuration(
            clientID: "c1a2b3-client", certificateID: "cert-Zx81", privateKey: Secret(key.pemRepresentation))
    }

    /// Header `alg`/`typ`/`kid`, claims `iss`/`scope`/`aud`/`iat`/`exp` (≤ 1 h), and an ES256
    /// signature (raw r‖s) that verifies with the registered public key — and not with another.
    func testClientAssertionVerifiesWithThePublicKey() throws {
        let assertion = try NetSuiteClientAssertion(configuration: settings(), setting: "erp.oauth2.privateKey")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let audience = "https://1234567.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token"
        let jwt = try assertion.make(audience: audience, now: now)
        let parts = jwt.split(separator: ".").map(String.init)
        XCTAssertEqual(parts.count, 3)
        XCTAssertFalse(jwt.contains("=") || jwt.contains("+") || jwt.contains("/"), "base64url without padding")
        let header = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: XCTUnwrap(Base64URL.decode(parts[0]))) as? [String: Any])
        XCTAssertEqual(header["alg"] as? String, "ES256")
        XCTAssertEqual(header["typ"] as? String, "JWT")
        XCTAssertEqual(header["kid"] as? String, "cert-Zx81")
        let claims = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: XCTUnwrap(Base64URL.decode(parts[1]))) as? [String: Any])
        XCTAssertEqual(claims["iss"] as? String, "c1a2b3-client")
        XCTAssertEqual(claims["scope"] as? String, "restlets,rest_webservices")
        XCTAssertEqual(claims["aud"] as? String, audience)
        let iat = try XCTUnwrap(claims["iat"] as? Int)
        let exp = try XCTUnwrap(claims["exp"] as? Int)
        XCTAssertEqual(iat, 1_800_000_000)
        XCTAssertGreaterThan(exp, iat)
        XCTAssertLessThanOrEqual(exp - iat, 3600)
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: XCTUnwrap(Base64URL.decode(parts[2])))
        let signed = Data("\(parts[0]).\(parts[1])".utf8)
        XCTAssertTrue(key.publicKey.isValidSignature(signature, for: signed))
        XCTAssertFalse(P256.Signing.PrivateKey().publicKey.isValidSignature(signature, for: signed))
        XCTAssertFalse(key.publicKey.isValidSignature(signature, for: Data((parts[0] + ".e30").utf8)))
    }

    /// The client gets a token from the simulator's endpoint, reuses it, and when the ERP stops
    /// accepting it (expired on the ERP's clock before the client's) gets a new one and repeats the
    /// call: no business call fails.
    func testTokensAreCachedAndAnExpiredOneIsReplacedWithoutAFailedCall() async throws {
        let clock = TestClock(Date())
        let erp = try await ERPSimulator.start(
            credentials: ERPSimulatorCredentials(
                oauth2Clients: [
                    .init(clientID: "c1a2b3-client", certificateID: "cert-Zx81", publicKey: key.publicKey)
                ],
                tokenLifetime: 150),
            now: { clock.now })
        let client = try ERPClient(
            configuration: ERPConfiguration(baseURL: erp.server.baseURL, authentication: .oauth2(settings())))
        let body = Data(#"{"orderStatus": "B"}"#.utf8)
        for index in 0..<3 {
            let outcome = await client.upsert("salesOrder", externalId: "shopify-\(index)", body: body)
            guard case .done = outcome else { return XCTFail("\(outcome)") }
        }
        XCTAssertEqual(erp.tokenCounts.granted, 1, "one token for every call while it lasts")
        clock.advance(by: 151)  // the ERP sees the token expire; the client (90 s of 150 left) does not
        let read = await client.read("salesOrder", id: "eid:shopify-1")
        guard case .done = read.outcome else { return XCTFail("\(read.outcome)") }
        XCTAssertEqual(erp.tokenCounts.granted, 2)
        XCTAssertEqual(erp.statusCounts[401], 1, "the expired token was refused once, then replaced")
        await erp.stop()
    }

    /// A key the ERP does not know gets no token: the call is `.unauthorized` (dispatch pauses),
    /// nothing is written. A key that is not P-256 PEM, or an empty one, fails at configuration.
    func testAnUnknownKeyIsRefusedAndABadKeyIsAConfigurationError() async throws {
        let erp = try await ERPSimulator.start(
            credentials: ERPSimulatorCredentials(
                oauth2Clients: [
                    .init(clientID: "c1a2b3-client", certificateID: "cert-Zx81", publicKey: key.publicKey)
                ]))
        let impostor = try ERPClient(
            configuration: ERPConfiguration(
                baseURL: erp.server.baseURL, authentication: .oauth2(settings(key: P256.Signing.PrivateKey()))))
        let outcome = await impostor.upsert("salesOrder", externalId: "shopify-9", body: Data("{}".utf8))
        guard case .unauthorized = outcome else { return XCTFail("\(outcome)") }
        XCTAssertGreaterThanOrEqual(erp.tokenCounts.refused, 1)
        XCTAssertEqual(erp.tokenCounts.granted, 0)
        let bearer = try ERPClient(
            configuration: ERPConfiguration(baseURL: erp.server.baseURL, token: Secret("guessed-token")))
        let guessed = await bearer.read("salesOrder", id: "1")
        guard case .unauthorized(401, _) = guessed.outcome else { return XCTFail("\(guessed.outcome)") }
        await erp.stop()

        var garbage = settings()
        garbage.privateKey = Secret("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----")
        XCTAssertThrowsError(
            try ERPClient(configuration: ERPConfiguration(baseURL: "https://erp", authentication: .oauth2(garbage)))
        ) { error in
            guard case PipelineConfigurationError.invalidValue("erp.oauth2.privateKey", let value) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertFalse(value.contains("not a key"), "the key is never echoed")
        }
        var empty = settings()
        empty.privateKey = Secret(" \n")
        XCTAssertThrowsError(
            try ERPClient(configuration: ERPConfiguration(baseURL: "https://erp", authentication: .oauth2(empty)))
        ) { error in
            XCTAssertEqual(error as? PipelineConfigurationError, .emptySecret(setting: "erp.oauth2.privateKey"))
        }
    }

    /// The ERP simulator's token endpoint checks the assertion itself: another audience, a scope
    /// without `rest_webservices`, a lifetime above 60 minutes, an unknown `kid` and a tampered
    /// claim are each refused `invalid_grant`; the well-formed one is granted.
    func testTheSimulatorsTokenEndpointChecksTheAssertion() async throws {
        let erp = try await ERPSimulator.start(
            credentials: ERPSimulatorCredentials(
                oauth2Clients: [.init(clientID: "c1a2b3-client", certificateID: "cert-Zx81", publicKey: key.publicKey)])
        )
        let now = Date()
        func grant(_ jwt: String) async throws -> Int {
            var request = HTTPClientRequest(url: erp.tokenURL)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            let form = [
                ("grant_type", "client_credentials"),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", jwt),
            ]
            request.body = .bytes(ByteBuffer(string: OAuthPercentEncoding.form(form)))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 16)
            return Int(response.status.code)
        }
        func signed(_ header: [String: Any], _ claims: [String: Any]) throws -> String {
            let input =
                Base64URL.encode(try JSONSerialization.data(withJSONObject: header)) + "."
                + Base64URL.encode(try JSONSerialization.data(withJSONObject: claims))
            return input + "." + Base64URL.encode(try key.signature(for: Data(input.utf8)).rawRepresentation)
        }
        let iat = Int(now.timeIntervalSince1970)
        let header: [String: Any] = ["alg": "ES256", "typ": "JWT", "kid": "cert-Zx81"]
        let claims: [String: Any] = [
            "iss": "c1a2b3-client", "scope": "restlets,rest_webservices", "aud": erp.tokenURL, "iat": iat,
            "exp": iat + 300,
        ]
        let good = try await grant(try signed(header, claims))
        XCTAssertEqual(good, 200)
        var refused: [String: Int] = [:]
        refused["audience"] = try await grant(
            try signed(header, claims.merging(["aud": "https://elsewhere/token"]) { $1 }))
        refused["scope"] = try await grant(try signed(header, claims.merging(["scope": "restlets"]) { $1 }))
        refused["lifetime"] = try await grant(try signed(header, claims.merging(["exp": iat + 3601]) { $1 }))
        refused["kid"] = try await grant(try signed(header.merging(["kid": "other"]) { $1 }, claims))
        let valid = try signed(header, claims).split(separator: ".").map(String.init)
        let tamperedClaims = Base64URL.encode(
            try JSONSerialization.data(withJSONObject: claims.merging(["iss": "c1a2b3-client2"]) { $1 }))
        refused["tampered"] = try await grant([valid[0], tamperedClaims, valid[2]].joined(separator: "."))
        XCTAssertEqual(refused, ["audience": 400, "scope": 400, "lifetime": 400, "kid": 400, "tampered": 400])
        XCTAssertEqual(erp.tokenCounts.granted, 1)
        XCTAssertEqual(erp.tokenCounts.refused, 5)
        await erp.stop()
    }
}
