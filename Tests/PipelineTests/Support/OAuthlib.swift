import Foundation
import XCTest

@testable import Pipeline

/// Signs a request with Python's `oauthlib` (an implementation independent of ours; installed by
/// scripts/install-deps). Missing Python or oauthlib fails the test, or skips it with
/// `DRIFTLESS_ALLOW_MISSING_SERVICES=1`.
enum OAuthlib {
    static let script = """
        import sys
        from oauthlib.oauth1 import Client, SIGNATURE_HMAC_SHA256
        method, url, ck, cs, tk, ts, realm, timestamp, nonce = sys.argv[1:10]
        client = Client(ck, client_secret=cs, resource_owner_key=tk, resource_owner_secret=ts,
                        signature_method=SIGNATURE_HMAC_SHA256, realm=realm, timestamp=timestamp, nonce=nonce)
        _, headers, _ = client.sign(url, http_method=method)
        print(headers["Authorization"])
        """

    /// oauthlib's `Authorization` header for the request.
    static func sign(
        method: String, url: String, credentials: NetSuiteTBACredentials, timestamp: Int, nonce: String
    ) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c", script, method, url, credentials.consumerKey, credentials.consumerSecret.value,
            credentials.tokenID, credentials.tokenSecret.value, credentials.accountID, String(timestamp), nonce,
        ]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let failure = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: failure, as: UTF8.self)
            // A failure, never a skip: without the reference signer the TBA tests would check nothing.
            let message = "python3 with oauthlib is needed (scripts/install-deps installs it): \(text.suffix(300))"
            throw OAuthlibError(message: message)
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The decoded `oauth_signature` of a header.
    static func signature(in header: String) -> String? {
        guard let range = header.range(of: #"oauth_signature=""#) else { return nil }
        let rest = header[range.upperBound...]
        return rest.prefix { $0 != "\"" }.removingPercentEncoding
    }

    struct OAuthlibError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
