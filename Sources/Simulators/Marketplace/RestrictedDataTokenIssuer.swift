import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The Tokens API's `createRestrictedDataToken` of the marketplace simulator,
/// `POST /tokens/2021-03-01/restrictedDataToken` (SP-API Tokens API v2021-03-01 reference,
/// https://developer-docs.amazon.com/sp-api/docs/tokens-api-v2021-03-01-reference, and the Tokens API
/// Use Case Guide): the body names `restrictedResources` (`method`, `path`, `dataElements`); the
/// answer is `{"restrictedDataToken": …, "expiresIn": 3600}`. A call to a restricted operation carries
/// the RDT in `x-amz-access-token` instead of an LWA token; `getOrders` then includes the data
/// elements granted for `GET /orders/v0/orders` (`buyerInfo`, `shippingAddress`).
final class RestrictedDataTokenIssuer: Sendable {
    static let path = "/tokens/2021-03-01/restrictedDataToken"
    static let lifetime: TimeInterval = 3600
    private let issued = Mutex<[String: (elements: Set<String>, expires: Date)]>([:])
    private let count = Mutex(0)
    let now: @Sendable () -> Date

    init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    /// Tokens issued so far.
    var issuedCount: Int { count.withLock { $0 } }

    /// The data elements a live RDT grants for `getOrders`; nil when `token` is not a live RDT.
    func grants(_ token: String?) -> Set<String>? {
        guard let token else { return nil }
        let current = now()
        return issued.withLock { tokens in
            guard let entry = tokens[token], entry.expires > current else { return nil }
            return entry.elements
        }
    }

    func handle(_ request: Request) async -> Response {
        struct Resource: Decodable {
            var method: String
            var path: String
            var dataElements: [String]?
        }
        struct Body: Decodable { var restrictedResources: [Resource] }
        guard let bytes = try? await request.body.collect(upTo: 1 << 16),
            let body = try? JSONDecoder().decode(Body.self, from: Data(buffer: bytes)),
            (1...50).contains(body.restrictedResources.count)
        else {
            return Self.json(
                .badRequest,
                ["errors": [["code": "InvalidInput", "message": "Invalid restrictedResources", "details": ""]]])
        }
        var elements: Set<String> = []
        for resource in body.restrictedResources where resource.method == "GET" && resource.path == "/orders/v0/orders"
        {
            elements.formUnion(resource.dataElements ?? [])
        }
        let token = "Atz.sprdt|" + UUID().uuidString
        let expires = now().addingTimeInterval(Self.lifetime)
        issued.withLock { $0[token] = (elements, expires) }
        count.withLock { $0 += 1 }
        return Self.json(.ok, ["restrictedDataToken": token, "expiresIn": Int(Self.lifetime)])
    }

    private static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
