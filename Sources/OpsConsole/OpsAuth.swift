import Crypto
import Foundation
import Pipeline

/// The console's token check, sessions and CSRF tokens.
///
/// An operator logs in with the configured token and a name (who acts, kept in every audit row); the
/// session is a cookie `<name in hex>.<HMAC>` under a key made at start-up (sessions end with the
/// process). Every form that changes something carries a CSRF token, an HMAC of the session cookie;
/// a POST without it, or with another session's, is refused. All comparisons take constant time.
struct OpsAuth: Sendable {
    /// The session cookie's name.
    static let cookieName = "driftless_ops"
    /// The hidden form field holding the CSRF token.
    static let csrfField = "csrf"

    /// The configured token; nil: nobody is let in.
    let token: Secret?
    /// The session key's bytes (made at start-up; `SymmetricKey` itself is not `Sendable`).
    private let keyBytes: [UInt8]

    init(token: Secret?) {
        self.token = token
        keyBytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    /// Whether `candidate` is the configured token (false when none is configured). Compares the
    /// SHA-256 digests byte by byte without stopping early, so the time says nothing about the token.
    func tokenMatches(_ candidate: String) -> Bool {
        guard let token else { return false }
        return Self.constantTimeEqual(
            Array(SHA256.hash(data: Data(candidate.utf8))), Array(SHA256.hash(data: Data(token.value.utf8))))
    }

    /// The cookie value of a session for `who`.
    func session(for who: String) -> String {
        let name = Data(who.utf8).map { String(format: "%02x", $0) }.joined()
        return name + "." + mac("session:" + name)
    }

    /// Who a session cookie belongs to, when it is one this process issued.
    func who(fromSession value: String) -> String? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, isValid(mac: String(parts[1]), for: "session:" + parts[0]) else { return nil }
        var bytes: [UInt8] = []
        var index = parts[0].startIndex
        while index < parts[0].endIndex {
            let next = parts[0].index(index, offsetBy: 2, limitedBy: parts[0].endIndex) ?? parts[0].endIndex
            guard let byte = UInt8(parts[0][index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The CSRF token of the session `value`.
    func csrfToken(session value: String) -> String { mac("csrf:" + value) }

    /// Whether `candidate` is the CSRF token of the session `value`.
    func csrfValid(_ candidate: String, session value: String) -> Bool {
        isValid(mac: candidate, for: "csrf:" + value)
    }

    /// An operator name as kept in the ledger: letters, digits and `.-_@`, at most 64 characters.
    static func cleanName(_ text: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_@")
        let cleaned = String(text.trimmingCharacters(in: .whitespaces).filter { allowed.contains($0) }.prefix(64))
        return cleaned.isEmpty ? nil : cleaned
    }

    private func mac(_ text: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: keyBytes)).map {
            String(format: "%02x", $0)
        }.joined()
    }

    private func isValid(mac candidate: String, for text: String) -> Bool {
        Self.constantTimeEqual(Array(candidate.utf8), Array(mac(text).utf8))
    }

    /// Equal lengths and bytes, looking at every byte whatever the first difference.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
