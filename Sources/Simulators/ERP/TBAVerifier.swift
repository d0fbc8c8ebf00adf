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
    /// Nonces seen (with their timestamps), forgotten once their timestamp left the tolerance window:
    /// a replay of one is refused by the timestamp check by then, so memory stays bounded by the
    /// requests of one window.
    private let seenNonces = Mutex<(set: Set<String>, byTime: [(timestamp: Double, key: String)])>(([], []))

    init(credentials: ERPSimulatorCredentials.TBA, tolerance: TimeInterval, now: @escaping @Sendable () -> Date) {
        self.credentials = credentials
        self.tolerance = tolerance
        self.now = now
    }

    /// Nonces remembered now (a replay within the timestamp window is refused).
    var nonceCount: Int { seenNonces.withLock { $0.set.count } }

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
        guard let given = Data(base64Encoded: signature), ConstantTime.equal(given, expected) else { return false }
        let current = now().timeIntervalSince1970
        return seenNonces.withLock { seen in
            // Forget what fell out of the window (oldest first; timestamps arrive roughly in order).
            seen.byTime.sort { $0.timestamp < $1.timestamp }
            var expired = 0
            while expired < seen.byTime.count, seen.byTime[expired].timestamp < current - tolerance {
                seen.set.remove(seen.byTime[expired].key)
                expired += 1
            }
            if expired > 0 { seen.byTime.removeFirst(expired) }
            let key = "\(timestamp):\(nonce)"
            guard seen.set.insert(key).inserted else { return false }
            seen.byTime.append((timestamp, key))
            return true
        }
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

/// Comparison whose time depends on the lengths only, not on where the bytes first differ — how a
/// server compares signatures and tokens so an attacker cannot find them byte by byte from timings.
enum ConstantTime {
    static func equal<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count) | (a.count == b.count ? 0 : 1)
        var left = a.makeIterator()
        var right = b.makeIterator()
        // Walk the longer one in full; compare against zeros where the shorter one ended.
        for _ in 0..<max(a.count, b.count) {
            difference |= (left.next() ?? 0) ^ (right.next() ?? 0)
        }
        return difference == 0
    }

    static func equal(_ a: String, _ b: String) -> Bool {
        equal(Array(a.utf8), Array(b.utf8))
    }
}
