import AsyncHTTPClient
import Foundation
import NIOCore

/// A Restricted Data Token for `getOrders` with buyer and address data (SP-API Tokens API
/// v2021-03-01, `createRestrictedDataToken`:
/// https://developer-docs.amazon.com/sp-api/docs/tokens-api-v2021-03-01-reference): requested with
/// the LWA access token for `GET /orders/v0/orders`, data elements `buyerInfo` and `shippingAddress`,
/// kept until a minute before `expiresIn` runs out, then requested again. `getOrders` called with it in
/// `x-amz-access-token` returns `BuyerInfo` and the full `ShippingAddress`. Only for applications the
/// seller granted a restricted role; a refusal stops the poller like refused LWA credentials.
actor RestrictedDataTokens {
    static let path = "/tokens/2021-03-01/restrictedDataToken"
    private let baseURL: String
    private let client: HTTPClient
    private let tokens: LWATokenProvider?
    private var current: (token: Secret, expires: ContinuousClock.Instant)?
    /// Tokens requested so far.
    private(set) var requested = 0

    init(baseURL: String, client: HTTPClient, tokens: LWATokenProvider?) {
        self.baseURL = baseURL
        self.client = client
        self.tokens = tokens
    }

    /// The current token, requested when there is none or it is about to expire.
    func token() async throws -> Secret {
        if let current, ContinuousClock.now < current.expires { return current.token }
        var request = HTTPClientRequest(url: baseURL + Self.path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let tokens {
            do {
                request.headers.add(name: "x-amz-access-token", value: try await tokens.accessToken().value)
            } catch let error as TokenEndpointError where error.isRejection {
                throw PollerError.credentialsRejected(error.description)
            }
        }
        let body: [String: Any] = [
            "restrictedResources": [
                ["method": "GET", "path": "/orders/v0/orders", "dataElements": ["buyerInfo", "shippingAddress"]]
            ]
        ]
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        requested += 1
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let status = Int(response.status.code)
        if status == 401 || status == 403 {
            throw PollerError.unauthorized(
                status: status,
                body: "createRestrictedDataToken (poller.restrictedDataToken needs a restricted role): "
                    + String(buffer: bytes).prefix(300))
        }
        guard (200..<300).contains(status) else {
            throw PollerError.http(
                status: status, body: "createRestrictedDataToken: " + String(buffer: bytes).prefix(300))
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any],
            let text = object["restrictedDataToken"] as? String, !text.isEmpty
        else { throw PollerError.malformedPage("createRestrictedDataToken: no restrictedDataToken") }
        let lifetime = (object["expiresIn"] as? NSNumber)?.doubleValue ?? 3600
        let token = Secret(text)
        current = (token, .now + .seconds(max(0, min(lifetime, 86_400) - 60)))
        return token
    }

    /// Drops the current token (the API refused it).
    func invalidate() { current = nil }
}
