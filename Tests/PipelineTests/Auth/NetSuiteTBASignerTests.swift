import AsyncHTTPClient
import Foundation
import Simulators
import XCTest

@testable import Pipeline

/// NetSuite token-based authentication: the client's OAuth 1.0a HMAC-SHA256 header against a
/// published vector (RFC 5849's base string), against an independent implementation (Python
/// `oauthlib`, installed by scripts/install-deps) and against the ERP simulator's verifier.
final class NetSuiteTBASignerTests: XCTestCase {
    static let credentials = NetSuiteTBACredentials(
        accountID: "1234567_SB1", consumerKey: "ck-4f1e", consumerSecret: Secret("cs secret/+="),
        tokenID: "tk-77aa", tokenSecret: Secret("ts&secret~"))

    /// RFC 5849 §3.4.1.1's example request: the base string, byte for byte (query parameters
    /// decoded and re-encoded, repeated names sorted by value, default port dropped). Its form
    /// body parameters are passed with the oauth ones (a JSON body is never signed).
    func testBaseStringMatchesTheRFC5849Example() {
        let base = NetSuiteTBASigner.baseString(
            method: "post", url: "http://EXAMPLE.com:80/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
            oauthParameters: [
                ("oauth_consumer_key", "9djdj82h48djs9d2"), ("oauth_token", "kkk9d7dh3k39sjv7"),
                ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "137131201"),
                ("oauth_nonce", "7d8f3e4a"), ("c2", ""), ("a3", "2 q"),
            ])
        XCTAssertEqual(
            base,
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
        )
    }

    /// A fixed timestamp and nonce give a fixed header: every field NetSuite asks for, realm first.
    func testHeaderCarriesRealmAndEveryOAuthField() {
        let signer = NetSuiteTBASigner(credentials: Self.credentials)
        let header = signer.authorization(
            method: "GET", url: "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder/7",
            timestamp: 1_700_000_000, nonce: "n0nce")
        XCTAssertTrue(
            header.hasPrefix(#"OAuth realm="1234567_SB1", oauth_consumer_key="ck-4f1e", oauth_token="tk-77aa""#))
        for field in [
            #"oauth_signature_method="HMAC-SHA256""#, #"oauth_timestamp="1700000000""#, #"oauth_nonce="n0nce""#,
            #"oauth_version="1.0""#, "oauth_signature=",
        ] {
            XCTAssertTrue(header.contains(field), field)
        }
        XCTAssertFalse(header.contains("cs secret") || header.contains("ts&secret") || header.contains("ts%26secret"))
        XCTAssertNotEqual(
            header,
            signer.authorization(
                method: "PUT",
                url: "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder/7",
                timestamp: 1_700_000_000, nonce: "n0nce"), "the method is signed")
    }

    /// The same request signed by Python's oauthlib (HMAC-SHA256, realm, fixed timestamp and
    /// nonce, no body hash) gives the same signature, for query parameters needing encoding.
    func testSignatureEqualsOauthlibs() throws {
        let url =
            "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder/eid:amazon%3A111-2%23status?q=createdFrom%20EQUAL%2012&limit=1000&x=a+b"
        let signer = NetSuiteTBASigner(credentials: Self.credentials)
        for method in ["GET", "PUT", "POST"] {
            let ours = signer.authorization(method: method, url: url, timestamp: 1_700_000_123, nonce: "Zq9xK2mP")
            let theirs = try OAuthlib.sign(
                method: method, url: url, credentials: Self.credentials, timestamp: 1_700_000_123, nonce: "Zq9xK2mP")
            XCTAssertEqual(OAuthlib.signature(in: ours), OAuthlib.signature(in: theirs), method)
            XCTAssertNotNil(OAuthlib.signature(in: ours))
        }
    }

    /// The ERP simulator accepts the client's TBA requests — a GET with query parameters and a PUT
    /// with a JSON body — and Python oauthlib's header for the same request; it refuses a wrong
    /// token secret, another realm and a replayed nonce with 401.
    func testERPSimulatorVerifiesTBARequests() async throws {
        let erp = try await ERPSimulator.start(
            credentials: ERPSimulatorCredentials(
                tba: .init(
                    accountID: Self.credentials.accountID, consumerKey: Self.credentials.consumerKey,
                    consumerSecret: Self.credentials.consumerSecret.value, tokenID: Self.credentials.tokenID,
                    tokenSecret: Self.credentials.tokenSecret.value)))
        defer { Task { await erp.stop() } }
        let client = try ERPClient(
            configuration: ERPConfiguration(baseURL: erp.server.baseURL, authentication: .tba(Self.credentials)))
        let upsert = await client.upsert(
            "salesOrder", externalId: "amazon:111-2",
            body: Data(#"{"externalId": "amazon:111-2", "orderStatus": {"id": "A"}}"#.utf8)
        )
        guard case .done = upsert else { return XCTFail("\(upsert)") }
        let related = await client.suiteQL("SELECT id FROM transaction WHERE createdfrom = '1'", limit: 5, offset: 0)
        guard case .done = related.outcome else { return XCTFail("\(related.outcome)") }
        let read = await client.read("salesOrder", id: "eid:amazon:111-2")
        guard case .done = read.outcome else { return XCTFail("\(read.outcome)") }

        // Python's header for a GET with query parameters, sent as is.
        let url = erp.recordURL + "/salesOrder?limit=5&offset=0"
        let now = Int(Date().timeIntervalSince1970)
        let python = try OAuthlib.sign(
            method: "GET", url: url, credentials: Self.credentials, timestamp: now, nonce: "py\(now)")
        let status1 = try await Self.status(url, authorization: python)
        XCTAssertEqual(status1, 200)
        let status2 = try await Self.status(url, authorization: python)
        XCTAssertEqual(status2, 401, "a replayed nonce is refused")

        var wrong = Self.credentials
        wrong.tokenSecret = Secret("not-the-secret")
        let forged = NetSuiteTBASigner(credentials: wrong).authorization(method: "GET", url: url)
        let status3 = try await Self.status(url, authorization: forged)
        XCTAssertEqual(status3, 401)
        var otherRealm = Self.credentials
        otherRealm.accountID = "7654321"
        let misplaced = NetSuiteTBASigner(credentials: otherRealm).authorization(method: "GET", url: url)
        let status4 = try await Self.status(url, authorization: misplaced)
        XCTAssertEqual(status4, 401)
        let tampered = NetSuiteTBASigner(credentials: Self.credentials).authorization(method: "GET", url: url)
        let status5 = try await Self.status(url + "0", authorization: tampered)
        XCTAssertEqual(status5, 401, "the query is signed")
    }

    static func status(_ url: String, authorization: String) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: authorization)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }
}
