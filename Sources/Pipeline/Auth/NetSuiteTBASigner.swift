import Crypto
import Foundation

/// Signs NetSuite requests with token-based authentication: an OAuth 1.0a `Authorization` header
/// (RFC 5849) with `realm` = account id and `oauth_signature_method="HMAC-SHA256"`.
///
/// The signature base string is `METHOD&enc(base URL)&enc(parameters)`: the base URL is scheme and
/// host in lower case, the port only when not the scheme's default, and the path; the parameters
/// are the query parameters and the `oauth_*` parameters (not `realm`, not the signature), each
/// name and value percent-encoded, sorted by name then value, joined as `n=v&…`. A JSON body is not
/// part of the signature. The key is `enc(consumerSecret)&enc(tokenSecret)`; the signature is the
/// base64 HMAC-SHA256 of the base string.
public struct NetSuiteTBASigner: Sendable {
    /// The credentials signed with.
    public let credentials: NetSuiteTBACredentials

    public init(credentials: NetSuiteTBACredentials) {
        self.credentials = credentials
    }

    /// The `Authorization` header value for `method` on `url` (query included) at `timestamp`
    /// (seconds since 1970) with `nonce`.
    public func authorization(method: String, url: String, timestamp: Int, nonce: String) -> String {
        let oauth = oauthParameters(timestamp: timestamp, nonce: nonce)
        let signature = sign(method: method, url: url, oauthParameters: oauth)
        let fields =
            [("realm", credentials.accountID)] + oauth + [("oauth_signature", signature)]
        return "OAuth "
            + fields.map { "\($0.0)=\"\(OAuthPercentEncoding.encode($0.1))\"" }.joined(separator: ", ")
    }

    /// A fresh header: the current time and a random 32-character nonce.
    public func authorization(method: String, url: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        let nonce = String((0..<32).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
        return authorization(method: method, url: url, timestamp: Int(Date().timeIntervalSince1970), nonce: nonce)
    }

    /// The `oauth_*` parameters signed (and sent), without the signature.
    func oauthParameters(timestamp: Int, nonce: String) -> [(String, String)] {
        [
            ("oauth_consumer_key", credentials.consumerKey), ("oauth_token", credentials.tokenID),
            ("oauth_signature_method", "HMAC-SHA256"), ("oauth_timestamp", String(timestamp)),
            ("oauth_nonce", nonce), ("oauth_version", "1.0"),
        ]
    }

    /// The base64 HMAC-SHA256 signature of the request.
    func sign(method: String, url: String, oauthParameters: [(String, String)]) -> String {
        let base = Self.baseString(method: method, url: url, oauthParameters: oauthParameters)
        let key =
            OAuthPercentEncoding.encode(credentials.consumerSecret.value) + "&"
            + OAuthPercentEncoding.encode(credentials.tokenSecret.value)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(base.utf8), using: SymmetricKey(data: Data(key.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// The RFC 5849 §3.4.1 signature base string.
    static func baseString(method: String, url: String, oauthParameters: [(String, String)]) -> String {
        let (baseURL, query) = split(url)
        let all: [(String, String)] = OAuthPercentEncoding.queryPairs(query) + oauthParameters
        let encoded: [(name: String, value: String)] = all.map { pair in
            (OAuthPercentEncoding.encode(pair.0), OAuthPercentEncoding.encode(pair.1))
        }
        let sorted = encoded.sorted { (a, b) -> Bool in a.name == b.name ? a.value < b.value : a.name < b.name }
        let normalized = sorted.map { pair -> String in pair.name + "=" + pair.value }.joined(separator: "&")
        return [method.uppercased(), OAuthPercentEncoding.encode(baseURL), OAuthPercentEncoding.encode(normalized)]
            .joined(separator: "&")
    }

    /// The base string URI (scheme and host lower case, default port dropped, path, no query or
    /// fragment) and the raw query.
    static func split(_ url: String) -> (base: String, query: String) {
        let withoutFragment = url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let parts = withoutFragment.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let query = parts.count > 1 ? String(parts[1]) : ""
        let address = String(parts[0])
        guard let schemeEnd = address.range(of: "://") else { return (address, query) }
        let scheme = address[..<schemeEnd.lowerBound].lowercased()
        let rest = address[schemeEnd.upperBound...]
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<slash].lowercased()
        let path = rest[slash...].isEmpty ? "/" : String(rest[slash...])
        if (scheme == "http" && authority.hasSuffix(":80")) || (scheme == "https" && authority.hasSuffix(":443")) {
            authority = String(authority[..<(authority.lastIndex(of: ":") ?? authority.endIndex)])
        }
        return ("\(scheme)://\(authority)\(path)", query)
    }
}
