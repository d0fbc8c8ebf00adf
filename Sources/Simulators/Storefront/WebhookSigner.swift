import Crypto
import Foundation

/// Signs webhook bodies the way Shopify does: base64(HMAC-SHA256(raw body, app client secret)).
public struct WebhookSigner: Sendable {
    private let secret: [UInt8]

    /// A signer for the app secret `secret`.
    public init(secret: String) {
        self.secret = Array(secret.utf8)
    }

    /// The `X-Shopify-Hmac-Sha256` value for `body`.
    public func signature(for body: [UInt8]) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))).base64EncodedString()
    }
}
