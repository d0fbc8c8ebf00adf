import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The ERP simulator's OAuth 2.0 token endpoint and the tokens it issued. A client-credentials
/// request is granted only with a JWT assertion that verifies: `alg` `ES256`, `typ` `JWT`, a `kid`
/// and `iss` of a registered client, the signature under its public key, `aud` = this endpoint,
/// a scope naming `rest_webservices`, `iat` not in the future, `exp` after now and at most 60
/// minutes after `iat`. Otherwise 400 `invalid_grant` (or `invalid_request`/`unsupported_grant_type`).
final class ERPTokenIssuer: Sendable {
    static let path = "/services/rest/auth/oauth2/v1/token"
    private let credentials: ERPSimulatorCredentials
    private let now: @Sendable () -> Date
    private let issued = Mutex<[String: Date]>([:])
    private let endpoint = Mutex<String>("")
    private let grants = Mutex((granted: 0, refused: 0))
    private let revoked = Mutex(false)

    init(credentials: ERPSimulatorCredentials, now: @escaping @Sendable () -> Date) {
        self.credentials = credentials
        self.now = now
    }

    /// Sets the endpoint URL the assertions' `aud` must name (known once the server is bound).
    func setEndpoint(_ url: String) { endpoint.withLock { $0 = url } }

    /// Tokens granted and refused so far.
    var counts: (granted: Int, refused: Int) { grants.withLock { $0 } }

    /// Revokes every registered client's access (`true`: issued tokens stop working, grants are
    /// refused `invalid_client`, as after the integration's certificate is revoked) or restores it.
    func setRevoked(_ value: Bool) {
        revoked.withLock { $0 = value }
        if value { expireTokens() }
    }

    /// Every token issued so far stops working now (as if they expired early on the server).
    func expireTokens() { issued.withLock { $0.removeAll() } }

    /// Whether `token` was issued here and has not expired. Expired tokens are forgotten, and the
    /// token is compared with each live one in constant time (no early exit on the first match).
    func accepts(_ token: String) -> Bool {
        let current = now()
        return issued.withLock { issued in
            issued = issued.filter { current < $0.value }
            var found = false
            for candidate in issued.keys where ConstantTime.equal(candidate, token) { found = true }
            return found
        }
    }

    /// Handles `POST /services/rest/auth/oauth2/v1/token`.
    func handle(_ request: Request) async -> Response {
        let bytes = (try? await request.body.collect(upTo: 64 << 10)).map { String(buffer: $0) } ?? ""
        var form: [String: String] = [:]
        for part in bytes.split(separator: "&") {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            form[decode(pair[0])] = pair.count > 1 ? decode(pair[1]) : ""
        }
        guard form["grant_type"] == "client_credentials" else { return refuse("unsupported_grant_type") }
        guard form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            let assertion = form["client_assertion"]
        else { return refuse("invalid_request") }
        guard verify(assertion) else { return refuse("invalid_grant") }
        guard !revoked.withLock({ $0 }) else { return refuse("invalid_client") }
        var generator = SystemRandomNumberGenerator()
        let token = "sim-at-" + (0..<4).map { _ in String(generator.next(), radix: 36) }.joined()
        let lifetime = credentials.tokenLifetime
        issued.withLock { $0[token] = now().addingTimeInterval(lifetime) }
        grants.withLock { $0.granted += 1 }
        let body = #"{"access_token":"\#(token)","expires_in":\#(Int(lifetime.rounded(.up))),"token_type":"Bearer"}"#
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private func refuse(_ code: String) -> Response {
        grants.withLock { $0.refused += 1 }
        return Response(
            status: .badRequest, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"error":"\#(code)"}"#)))
    }

    private func verify(_ jwt: String) -> Bool {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Self.base64URL(parts[0]), let claimsData = Self.base64URL(parts[1]),
            let signatureData = Self.base64URL(parts[2]),
            let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any],
            let claims = (try? JSONSerialization.jsonObject(with: claimsData)) as? [String: Any],
            header["alg"] as? String == "ES256", header["typ"] as? String == "JWT",
            let kid = header["kid"] as? String, let issuer = claims["iss"] as? String,
            let client = credentials.oauth2Clients.first(where: { $0.clientID == issuer && $0.certificateID == kid }),
            let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signatureData),
            client.publicKey?.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])".utf8)) == true
        else { return false }
        let scopes = (claims["scope"] as? String)?.split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard let iat = (claims["iat"] as? NSNumber)?.doubleValue, let exp = (claims["exp"] as? NSNumber)?.doubleValue,
            claims["aud"] as? String == endpoint.withLock({ $0 }), scopes?.contains("rest_webservices") == true
        else { return false }
        let current = now().timeIntervalSince1970
        return iat <= current + 60 && exp > current && exp - iat <= 3600
    }

    private static func base64URL(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
