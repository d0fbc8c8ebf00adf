import Crypto
import Foundation
import Synchronization

/// Verifies NetSuite TBA `Authorization: OAuth …` headers the way the server side of RFC 5849 does,
/// written independently of the client's signer: realm, consumer key, token id,
/// `HMAC-SHA256`, version `1.0`, a timestamp within the tolerance, a nonce not seen before, and
/// the signature recomputed over the method, the URL the request reached and its query and
/// `oauth_*` parameters (a JSON body is not signed).
final class TBAVerifier: Sendable {
    private let credentials: ERPSimulatorCredentials.TBA
    private let tolerance: TimeInterval
    private let now: @Sendable () -> Date
    private let seenNonces = Mutex<Set<String>>([])

    init(credentials: ERPSimulatorCredentials.TBA, tolerance: TimeInterval, now: @escaping @Sendable () -> Date) {
        self.credentials = credentials
        self.tolerance = tolerance
        self.now = now
    }

    /// Nonces remembered now (a replay within the timestamp window is refused).
    var nonceCount: Int { seenNonces.withLock { $0.count } }

    /// Whether `header` signs `method` on `baseURL` + `target` (the raw request target, path and query).
    func verify(header: String, method: String, baseURL: String, target: String) -> Bool {
        guard header.hasPrefix("OAuth "), let fields = Self.fields(String(header.dropFirst(6))),
            fields["realm"] == credentials.accountID, fields["oauth_consumer_key"] == credentials.consumerKey,
            fields["oauth_token"] == credentials.tokenID, fields["oauth_signature_method"] == "HMAC-SHA256",
            fields["oauth_version"] == "1.0", let nonce = fields["oauth_nonce"], !nonce.isEmpty,
            let timestamp = fields["oauth_timestamp"].flatMap(Double.init),
            abs(timestamp - now().timeIntervalSince1970) <= tolerance, let signature = fields["oauth_signature"]
        else { return false }
        let pieces = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var parameters = fields.filter { $0.key != "realm" && $0.key != "oauth_signature" }.map { ($0.key, $0.value) }
        if pieces.count > 1 {
            for item in pieces[1].split(separator: "&") {
                let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                parameters.append((Self.formDecode(pair[0]), pair.count > 1 ? Self.formDecode(pair[1]) : ""))
            }
        }
        var encoded: [String] = []
        for (name, value) in parameters.sorted(by: Self.escapedOrder) {
            encoded.append(Self.escape(name) + "=" + Self.escape(value))
        }
        let normalized = encoded.joined(separator: "&")
        let base = "\(method.uppercased())&\(Self.escape(baseURL + pieces[0]))&\(Self.escape(normalized))"
        let key = "\(Self.escape(credentials.consumerSecret))&\(Self.escape(credentials.tokenSecret))"
        let expected = Data(
            HMAC<SHA256>.authenticationCode(for: Data(base.utf8), using: SymmetricKey(data: Data(key.utf8))))
        guard let given = Data(base64Encoded: signature), given == expected else { return false }
        return seenNonces.withLock { $0.insert("\(timestamp):\(nonce)").inserted }
    }

    /// `k="v", k2="v2"` → decoded values; nil when malformed.
    static func fields(_ text: String) -> [String: String]? {
        var result: [String: String] = [:]
        for item in text.split(separator: ",") {
            let pair = item.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[1].hasPrefix("\""), pair[1].hasSuffix("\""), pair[1].count >= 2 else {
                return nil
            }
            result[String(pair[0])] = String(pair[1].dropFirst().dropLast()).removingPercentEncoding
        }
        return result
    }

    /// Order of the encoded names, then the encoded values.
    private static func escapedOrder(_ a: (String, String), _ b: (String, String)) -> Bool {
        let (nameA, nameB) = (escape(a.0), escape(b.0))
        return nameA == nameB ? escape(a.1) < escape(b.1) : nameA < nameB
    }

    private static func formDecode(_ text: Substring) -> String {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
