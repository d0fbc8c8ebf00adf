import Crypto
import Foundation

/// The JWT client assertion of NetSuite's OAuth 2.0 client credentials flow, signed `ES256` (ECDSA
/// P-256 with SHA-256, the signature as raw `r‖s`, RFC 7518 §3.4): header
/// `{"alg": "ES256", "typ": "JWT", "kid": <certificate id>}`, claims `iss` (client id), `scope`,
/// `aud` (the token endpoint URL), `iat` and `exp` (at most one hour later, NetSuite's limit).
///
/// ES256 because swift-crypto signs it natively and NetSuite accepts it next to PS256/ES384/ES512.
public struct NetSuiteClientAssertion: Sendable {
    /// Lifetime of an assertion (NetSuite refuses more than 60 minutes).
    public static let lifetime: TimeInterval = 300

    /// The key's raw scalar (swift-crypto's key types are not `Sendable`; rebuilt per signature).
    private let keyBytes: Data
    private let configuration: NetSuiteOAuth2Configuration

    /// Reads the private key; a key that is not a P-256 PEM is a configuration error naming
    /// `setting` (never the key).
    public init(configuration: NetSuiteOAuth2Configuration, setting: String) throws(PipelineConfigurationError) {
        do {
            keyBytes = try P256.Signing.PrivateKey(pemRepresentation: configuration.privateKey.value).rawRepresentation
        } catch {
            throw .invalidValue(field: setting, value: "<not an EC P-256 private key in PEM>")
        }
        self.configuration = configuration
    }

    /// The signed assertion for `audience` (the token endpoint URL) issued at `now`.
    public func make(audience: String, now: Date) throws -> String {
        let iat = Int(now.timeIntervalSince1970)
        let header: [String: Any] = ["alg": "ES256", "typ": "JWT", "kid": configuration.certificateID]
        let claims: [String: Any] = [
            "iss": configuration.clientID, "scope": configuration.scope, "aud": audience, "iat": iat,
            "exp": iat + Int(Self.lifetime),
        ]
        let signingInput =
            Base64URL.encode(
                try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes]))
            + "."
            + Base64URL.encode(
                try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys, .withoutEscapingSlashes]))
        let key = try P256.Signing.PrivateKey(rawRepresentation: keyBytes)
        let signature = try key.signature(for: Data(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature.rawRepresentation)
    }
}
