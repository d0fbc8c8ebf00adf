import AsyncHTTPClient
import Foundation
import NIOCore

/// One form POST to an OAuth 2.0 token endpoint, sorted into a token or a ``TokenEndpointError``.
/// The form holds secrets: neither it nor the request is ever logged.
struct TokenEndpoint: Sendable {
    let url: String
    let client: HTTPClient
    let timeout: Duration

    func requestToken(form: [(String, String)], now: Date) async throws(TokenEndpointError) -> AccessToken {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: OAuthPercentEncoding.form(form)))
        let status: Int
        let data: Data
        do {
            let response = try await client.execute(request, timeout: timeout.timeAmount)
            data = Data(buffer: try await response.body.collect(upTo: 1 << 20))
            status = Int(response.status.code)
        } catch {
            throw .unavailable(endpoint: url, reason: String(describing: type(of: error)) + ": \(error)")
        }
        if [400, 401, 403].contains(status) {
            throw .rejected(endpoint: url, status: status, error: TokenEndpointError.code(data))
        }
        guard (200..<300).contains(status) else { throw .unavailable(endpoint: url, reason: "HTTP \(status)") }
        guard let token = AccessToken.parse(data, receivedAt: now) else {
            throw .unavailable(endpoint: url, reason: "no access_token in the answer")
        }
        return token
    }
}
