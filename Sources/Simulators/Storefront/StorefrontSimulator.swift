import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// A Shopify-style storefront: holds orders (`StorefrontStore`), serves them over a REST-like orders API
/// and sends their webhooks (`WebhookDeliverer`).
///
/// API (`<v>` = API version):
/// - `GET /admin/api/<v>/orders/<id>.json` → `{"order": {...}}` or 404
/// - `GET /admin/api/<v>/orders.json?updated_at_min=<RFC3339>&limit=<1…250>&page_info=<cursor>` →
///   `{"orders": [...]}` with a `Link: <…page_info=…>; rel="next"` header while more pages exist.
/// - `POST /admin/api/<v>/graphql.json` → the GraphQL Admin API's `orders` query (see `StorefrontGraphQL`),
///   with `X-Shopify-Access-Token` and cost-based throttling.
public final class StorefrontSimulator: Sendable {
    /// The orders.
    public let store: StorefrontStore
    /// The HTTP server (orders API).
    public let server: SimulatorServer
    private let graphQL: StorefrontGraphQL

    private init(store: StorefrontStore, server: SimulatorServer, graphQL: StorefrontGraphQL) {
        self.store = store
        self.server = server
        self.graphQL = graphQL
    }

    /// GraphQL requests answered `THROTTLED` so far.
    public var throttledGraphQLRequests: Int { graphQL.throttled }

    /// Starts the orders API on 127.0.0.1:`port` (0: any free port).
    public static func start(
        store: StorefrontStore = StorefrontStore(), port: Int = 0,
        graphQL settings: StorefrontGraphQLSettings = StorefrontGraphQLSettings(),
        logger: Logger = Logger(label: "simulator.storefront")
    ) async throws -> StorefrontSimulator {
        let router = Router()
        let graphQL = StorefrontGraphQL(settings: settings)
        router.post("/admin/api/:version/graphql.json") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            let token = HTTPField.Name("X-Shopify-Access-Token").flatMap { request.headers[$0] }
            let (status, object) = await graphQL.answer(token: token, body: Data(body.readableBytesView), store: store)
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return Response(
                status: .init(code: status), headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("/admin/api/:version/orders.json") { request, _ in
            try await Self.listOrders(request: request, store: store)
        }
        router.get("/admin/api/:version/orders/:file") { _, context in
            let file = context.parameters.get("file") ?? ""
            guard file.hasSuffix(".json"), let id = Int64(file.dropLast(5)), let order = await store.order(id) else {
                return Self.json(status: .notFound, object: ["errors": "Not Found"])
            }
            return Self.encode(["order": order])
        }
        let server = try await SimulatorServer.start(router: router, port: port, name: "storefront", logger: logger)
        return StorefrontSimulator(store: store, server: server, graphQL: graphQL)
    }

    /// A deliverer that signs with `secret` and posts to `targetURL`.
    public func deliverer(
        targetURL: String, secret: String, policy: WebhookRetryPolicy = .compressed
    ) -> WebhookDeliverer {
        WebhookDeliverer(targetURL: targetURL, secret: secret, shopDomain: store.shopDomain, policy: policy)
    }

    /// Stops the HTTP server.
    public func stop() async {
        await server.stop()
    }

    private static func listOrders(request: Request, store: StorefrontStore) async throws -> Response {
        let query = request.uri.queryParameters
        let limit = min(250, max(1, query.get("limit", as: Int.self) ?? 50))
        var since = Date.distantPast
        var offset = 0
        if let cursor = query.get("page_info") {
            guard let decoded = PageCursor(token: cursor) else {
                return json(status: .badRequest, object: ["errors": "Invalid page_info"])
            }
            since = decoded.since
            offset = decoded.offset
        } else if let text = query.get("updated_at_min") {
            guard let date = SimulatorTime.date(text) else {
                return json(status: .badRequest, object: ["errors": "Invalid updated_at_min"])
            }
            since = date
        }
        let matching = await store.orders(updatedSince: since)
        let page = Array(matching.dropFirst(offset).prefix(limit))
        var response = encode(["orders": page])
        if offset + page.count < matching.count {
            let next = PageCursor(since: since, offset: offset + page.count).token
            let path = request.uri.path
            if let link = HTTPField.Name("Link") {
                response.headers[link] = "<\(path)?limit=\(limit)&page_info=\(next)>; rel=\"next\""
            }
        }
        return response
    }

    static func encode<T: Encodable>(_ value: T) -> Response {
        guard let data = try? ShopifyOrderDocument.encoder.encode(value) else {
            return Response(status: .internalServerError)
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func json(status: HTTPResponse.Status, object: [String: String]) -> Response {
        var response = encode(object)
        response.status = status
        return response
    }
}

/// Opaque page cursor of the storefront's orders list.
struct PageCursor {
    var since: Date
    var offset: Int

    init(since: Date, offset: Int) {
        self.since = since
        self.offset = offset
    }

    init?(token: String) {
        let parts = token.split(separator: "_")
        guard parts.count == 3, parts[0] == "c", let millis = Int64(parts[1]), let offset = Int(parts[2]), offset >= 0
        else { return nil }
        self.since = Date(timeIntervalSince1970: Double(millis) / 1000)
        self.offset = offset
    }

    var token: String {
        "c_\(Int64((since.timeIntervalSince1970 * 1000).rounded()))_\(offset)"
    }
}
