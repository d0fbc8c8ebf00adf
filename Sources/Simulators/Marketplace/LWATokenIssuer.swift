import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The marketplace simulator's Login with Amazon token endpoint (`POST /auth/o2/token`,
/// `grant_type=refresh_token`) and the access tokens it issued. A wrong client or refresh token,
/// or a revoked authorization, is 400 `invalid_grant` / `invalid_client`; a `getOrders` call
/// without a token it issued, or with an expired one, is 403 `Unauthorized`, as SP-API answers.
final class LWATokenIssuer: Sendable {
    static let path = "/auth/o2/token"
    private let credentials: LWASimulatorCredentials
    private let now: @Sendable () -> Date
    private struct State {
        var issued: [String: Date] = [:]
        var revoked = false
        var expireAfterRequests: Int?
        var granted = 0
        var refused = 0
        var unauthorized = 0
    }
    private let state = Mutex(State())

    init(credentials: LWASimulatorCredentials, now: @escaping @Sendable () -> Date) {
        self.credentials = credentials
        self.now = now
    }

    /// Refresh-token grants made, refused, and API calls answered 403.
    var counts: (granted: Int, refused: Int, unauthorized: Int) {
        state.withLock { ($0.granted, $0.refused, $0.unauthorized) }
    }

    /// Revokes the seller authorization: the refresh token stops working (issued access tokens run out).
    func revoke() { state.withLock { $0.revoked = true } }

    /// Makes every access token issued so far expire after `requests` more API calls (0: now).
    func expireTokens(afterRequests requests: Int) {
        state.withLock { state in
            if requests <= 0 { state.issued.removeAll() } else { state.expireAfterRequests = requests }
        }
    }

    /// Handles `POST /auth/o2/token`.
    func handle(_ request: Request) async -> Response {
        let text = (try? await request.body.collect(upTo: 64 << 10)).map { String(buffer: $0) } ?? ""
        var form: [String: String] = [:]
        for part in text.split(separator: "&") {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            form[decode(pair[0])] = pair.count > 1 ? decode(pair[1]) : ""
        }
        guard form["grant_type"] == "refresh_token" else { return refuse("unsupported_grant_type") }
        guard form["client_id"] == credentials.clientID, form["client_secret"] == credentials.clientSecret else {
            return refuse("invalid_client")
        }
        guard form["refresh_token"] == credentials.refreshToken, !state.withLock({ $0.revoked }) else {
            return refuse("invalid_grant")
        }
        var generator = SystemRandomNumberGenerator()
        let token = "Atza|sim" + (0..<4).map { _ in String(generator.next(), radix: 36) }.joined()
        let lifetime = credentials.tokenLifetime
        let expiry = now().addingTimeInterval(lifetime)
        state.withLock { state in
            state.issued[token] = expiry
            state.granted += 1
        }
        let body =
            #"{"access_token":"\#(token)","refresh_token":"\#(credentials.refreshToken)","token_type":"bearer","expires_in":\#(Int(lifetime.rounded(.up)))}"#
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Nil when `token` is a live token issued here; else the 403 to answer.
    func check(_ token: String?) -> Response? {
        let current = now()
        let live = state.withLock { state -> Bool in
            if let left = state.expireAfterRequests {
                if left <= 0 {
                    state.issued.removeAll()
                    state.expireAfterRequests = nil
                } else {
                    state.expireAfterRequests = left - 1
                }
            }
            guard let token, let expiry = state.issued[token], current < expiry else {
                state.unauthorized += 1
                return false
            }
            return true
        }
        if live { return nil }
        let detail =
            token == nil
            ? "Access token is missing in the request header." : "The access token you provided has expired."
        let body =
            #"{"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied.","details":"\#(detail)"}]}"#
        return Response(
            status: .forbidden, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private func refuse(_ code: String) -> Response {
        state.withLock { $0.refused += 1 }
        return Response(
            status: .badRequest, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"error":"\#(code)","error_description":"refused"}"#)))
    }
}
