import Crypto
import Foundation

/// Verifies `X-Shopify-Hmac-Sha256` over the raw body against the current and the previous app secret
/// (Shopify may keep signing with the old secret for up to an hour after a rotation).
/// Comparison is constant-time (`HMAC.isValidAuthenticationCode`).
public struct ShopifySignatureVerifier: Sendable {
    private let secrets: [[UInt8]]

    /// A verifier accepting `current` and, when given, `previous`. A blank secret (empty or
    /// whitespace only) is never used as a key: with no usable secret every signature is refused
    /// (the configuration refuses blank secrets at start-up; this is the second line of defence).
    public init(current: String, previous: String? = nil) {
        secrets = [current, previous].compactMap { secret in
            guard let secret, !secret.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
            return Array(secret.utf8)
        }
    }

    /// Whether `signature` (base64) is a valid HMAC-SHA256 of `body` under one of the secrets.
    public func isValid(signature: String, body: [UInt8]) -> Bool {
        guard !secrets.isEmpty, let mac = Data(base64Encoded: signature.trimmingCharacters(in: .whitespaces)),
            mac.count == SHA256.byteCount
        else { return false }
        var valid = false
        for secret in secrets {
            // Evaluate every secret so timing does not reveal which one matched.
            let key = SymmetricKey(data: secret)
            valid = HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key) || valid
        }
        return valid
    }
}
