import Foundation
import OrderModel
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A NetSuite-style ERP over HTTP: the REST record API's shapes for sales orders and their related
/// records, with the faults an integration must survive (``ERPFaults``).
///
/// API (all under `/services/rest/record/v1`, authenticated as ``ERPSimulatorCredentials`` allow:
/// `Authorization: Bearer <token>` — the static token or an OAuth 2.0 token it issued — or TBA):
/// - `GET /{type}/{id}` (`id` internal, or `eid:<externalId>`) → the record, or 404 `NONEXISTENT_ID`
/// - `GET /{type}?q=lastModifiedDate ON_OR_AFTER "<RFC 3339>"` or `?q=createdFrom EQUAL <id>`,
///   `&limit=1…1000&offset=` → `{"count", "hasMore", "items": [record…], "offset", "totalResults"}`
/// - `PUT /{type}/eid:{externalId}` → upsert, 204 + `Location`
/// - `POST /{type}` → create, 204 + `Location`; an `externalId` already used → 400 `DUP_RCRD`
/// - `PATCH /{type}/{id}` → update fields / `status`, 204
/// - `POST /salesOrder/{id}/!transform/{type}` → a related record created from the order, 204 + `Location`
/// Writes bodies are JSON objects; `status` and `createdFrom` may be `{"id": …}` references.
public final class ERPSimulator: Sendable {
    /// The records (and the duplicate-effect count).
    public let store: ERPStore
    /// Faults to inject.
    public let faults: ERPFaults
    /// The HTTP server.
    public let server: SimulatorServer
    private let counters: StatusCounts
    private let authenticator: ERPRequestAuthenticator

    private init(
        store: ERPStore, faults: ERPFaults, server: SimulatorServer, counters: StatusCounts,
        authenticator: ERPRequestAuthenticator
    ) {
        self.store = store
        self.faults = faults
        self.server = server
        self.counters = counters
        self.authenticator = authenticator
    }

    /// OAuth 2.0 access tokens granted and token requests refused so far.
    public var tokenCounts: (granted: Int, refused: Int) { authenticator.issuer.counts }

    /// Requests the record API let through, by scheme (`bearer`, `oauth2`, `tba`) and by scheme
    /// with a query string (`tba+query`) or a body (`tba+body`).
    public var acceptedRequests: [String: Int] { authenticator.acceptedCounts }

    /// Revokes OAuth 2.0 access (`true`): every issued token stops working and the token endpoint
    /// refuses every client `invalid_client` until called with `false`.
    public func revokeOAuth2Access(_ revoked: Bool = true) { authenticator.issuer.setRevoked(revoked) }

    /// Every OAuth 2.0 access token issued so far stops working now, as a token the server expires
    /// before the client expects (clock skew, a restart) would.
    public func expireAccessTokens() { authenticator.issuer.expireTokens() }

    /// `<base URL>/services/rest/auth/oauth2/v1/token`.
    public var tokenURL: String { server.baseURL + ERPTokenIssuer.path }

    /// Answers so far by HTTP status.
    public var statusCounts: [Int: Int] { counters.snapshot }

    /// `<base URL>/services/rest/record/v1`.
    public var recordURL: String { server.baseURL + ERPRoutes.prefix }

    /// Starts the ERP on 127.0.0.1:`port` (0: any free port), accepting only `Bearer <token>`.
    public static func start(
        store: ERPStore = ERPStore(), faults: ERPFaults = ERPFaults(), token: String, port: Int = 0,
        logger: Logger = Logger(label: "simulator.erp")
    ) async throws -> ERPSimulator {
        try await start(
            store: store, faults: faults, credentials: ERPSimulatorCredentials(staticToken: token), port: port,
            logger: logger)
    }

    /// Starts the ERP on 127.0.0.1:`port` accepting what `credentials` allow (static token, OAuth 2.0
    /// tokens it issues at ``tokenURL``, TBA signatures); `now` is its clock for token expiry and
    /// TBA timestamps.
    public static func start(
        store: ERPStore = ERPStore(), faults: ERPFaults = ERPFaults(), credentials: ERPSimulatorCredentials,
        port: Int = 0, now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "simulator.erp")
    ) async throws -> ERPSimulator {
        let counters = StatusCounts()
        let authenticator = ERPRequestAuthenticator(credentials: credentials, now: now)
        let routes = ERPRoutes(store: store, faults: faults, authenticator: authenticator, counters: counters)
        let server = try await SimulatorServer.start(
            router: routes.router(), port: port, name: "erp", logger: logger,
            channelHandlers: { [ConnectionResetHandler(faults: faults)] })
        authenticator.bind(baseURL: server.baseURL)
        return ERPSimulator(
            store: store, faults: faults, server: server, counters: counters, authenticator: authenticator)
    }

    /// Stops the HTTP server.
    public func stop() async {
        await server.stop()
    }
}

/// Answers by HTTP status.
final class StatusCounts: Sendable {
    private let counts = Mutex<[Int: Int]>([:])
    func add(_ status: Int) { counts.withLock { $0[status, default: 0] += 1 } }
    var snapshot: [Int: Int] { counts.withLock { $0 } }
}

/// The request handling of ``ERPSimulator``.
struct ERPRoutes: Sendable {
    static let prefix = "/services/rest/record/v1"
    let store: ERPStore
    let faults: ERPFaults
    let authenticator: ERPRequestAuthenticator
    let counters: StatusCounts

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        let issuer = authenticator.issuer
        router.post(RouterPath(ERPTokenIssuer.path)) { request, _ in await issuer.handle(request) }
        router.get("\(Self.prefix)/:type") { request, context in await handle(request, context, .list) }
        router.post("\(Self.prefix)/:type") { request, context in await handle(request, context, .create) }
        router.get("\(Self.prefix)/:type/:id") { request, context in await handle(request, context, .read) }
        router.put("\(Self.prefix)/:type/:id") { request, context in await handle(request, context, .upsert) }
        router.patch("\(Self.prefix)/:type/:id") { request, context in await handle(request, context, .update) }
        // (One route shape per depth: the router's tree does not fall back from a literal to a parameter.)
        router.post("\(Self.prefix)/:type/:id/!transform/:target") { request, context in
            await handle(request, context, .transform)
        }
        return router
    }

    enum Operation { case list, read, create, upsert, update, transform }

    private func handle(_ request: Request, _ context: BasicRequestContext, _ operation: Operation) async -> Response {
        let response = await answer(request, context, operation)
        counters.add(Int(response.status.code))
        return response
    }

    private func answer(_ request: Request, _ context: BasicRequestContext, _ operation: Operation) async -> Response {
        guard authenticator.authorize(request) else {
            return ERPError.response(.unauthorized, code: "INVALID_LOGIN", detail: "Invalid login attempt.")
        }
        guard let type = context.parameters.get("type").flatMap(ERPRecordType.init(rawValue:)) else {
            return ERPError.response(.notFound, code: "INVALID_RCRD_TYPE", detail: "Unknown record type.")
        }
        // A transform names the record to create after `!transform/`.
        let target =
            operation == .transform ? context.parameters.get("target").flatMap(ERPRecordType.init(rawValue:)) : type
        guard let target, !(operation == .transform && !target.isRelated) else {
            return ERPError.response(.badRequest, code: "INVALID_TRANSFORM", detail: "Unknown transform target.")
        }
        let id = context.parameters.get("id")
        var body = ERPWriteBody(json: [:])
        if operation == .create || operation == .upsert || operation == .update || operation == .transform {
            guard let bytes = try? await request.body.collect(upTo: 1 << 20),
                let json = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any]
            else {
                return ERPError.response(.badRequest, code: "INVALID_CONTENT", detail: "The body is not a JSON object.")
            }
            body = ERPWriteBody(json: json)
        }
        if operation == .transform {
            guard type == .salesOrder else {
                return ERPError.response(.badRequest, code: "INVALID_TRANSFORM", detail: "Only sales orders transform.")
            }
            body.createdFrom = id
        }
        let orders = [id, body.externalId, body.createdFrom].compactMap { $0 }.map {
            $0.hasPrefix("eid:") ? String($0.dropFirst(4)) : $0
        }
        let (decision, latency) = faults.admit(
            orders: operation == .list || operation == .read ? [] : orders, now: Date())
        if latency > .zero { try? await Task.sleep(for: latency) }
        switch decision {
        case .proceed:
            defer { faults.finish() }
            return await perform(operation, type: target, id: id, body: body, query: request.uri.queryParameters)
        case .applyThenStall(let duration):
            defer { faults.finish() }
            let response = await perform(
                operation, type: target, id: id, body: body, query: request.uri.queryParameters)
            try? await Task.sleep(for: duration)
            return response
        case .unauthorized:
            return ERPError.response(.unauthorized, code: "INVALID_LOGIN", detail: "Invalid login attempt.")
        case .unavailable:
            return ERPError.response(.serviceUnavailable, code: "SERVICE_UNAVAILABLE", detail: "Service unavailable.")
        case .throttled(let seconds):
            var response = ERPError.response(
                .tooManyRequests, code: "REQUEST_LIMIT_EXCEEDED", detail: "Too many requests.")
            response.headers[.retryAfter] = String(seconds)
            return response
        case .overConcurrency:
            return ERPError.response(
                .tooManyRequests, code: "SSS_REQUEST_LIMIT_EXCEEDED", detail: "Concurrent request limit exceeded.")
        case .stall(let duration):
            try? await Task.sleep(for: duration)
            return ERPError.response(.serviceUnavailable, code: "SERVICE_UNAVAILABLE", detail: "Request timed out.")
        case .invalid(let status):
            return ERPError.response(
                HTTPResponse.Status(code: status), code: "USER_ERROR", detail: "Invalid field value for this order.")
        }
    }

    private func perform(
        _ operation: Operation, type: ERPRecordType, id: String?, body: ERPWriteBody, query: Parameters
    ) async -> Response {
        do {
            switch operation {
            case .list:
                return await list(type, query: query)
            case .read:
                guard let id, let record = await store.find(type, id: id) else {
                    return ERPError.response(.notFound, code: "NONEXISTENT_ID", detail: "Record not found.")
                }
                return ERPCoding.response(record)
            case .create, .transform:
                return written(try await store.create(type, body: body))
            case .upsert:
                guard let id, id.hasPrefix("eid:") else {
                    return ERPError.response(
                        .badRequest, code: "INVALID_REQUEST", detail: "PUT needs eid:<externalId>.")
                }
                return written(try await store.upsert(type, externalId: String(id.dropFirst(4)), body: body).0)
            case .update:
                return written(try await store.update(type, id: id ?? "", body: body))
            }
        } catch {
            switch error {
            case .duplicateExternalId(let externalId):
                return ERPError.response(
                    .badRequest, code: "DUP_RCRD", detail: "A record with externalId \(externalId) already exists.")
            case .notFound(let what):
                return ERPError.response(.notFound, code: "NONEXISTENT_ID", detail: "\(what) not found.")
            case .invalid(let why):
                return ERPError.response(.badRequest, code: "INVALID_FLD_VALUE", detail: why)
            }
        }
    }

    private func list(_ type: ERPRecordType, query: Parameters) async -> Response {
        var since: Date?
        var parent: String?
        if let q = query.get("q") {
            if let range = q.range(of: "lastModifiedDate ON_OR_AFTER ") {
                let text = q[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
                guard let date = SimulatorTime.date(text) else {
                    return ERPError.response(.badRequest, code: "INVALID_PARAMETER", detail: "Invalid date in q.")
                }
                since = date
            } else if let range = q.range(of: "createdFrom EQUAL ") {
                parent = q[range.upperBound...].trimmingCharacters(in: .whitespaces)
            } else {
                return ERPError.response(.badRequest, code: "INVALID_PARAMETER", detail: "Unsupported q.")
            }
        }
        let limit = min(1000, max(1, query.get("limit", as: Int.self) ?? 1000))
        let offset = max(0, query.get("offset", as: Int.self) ?? 0)
        let matching = await store.records(type, modifiedSince: since, createdFrom: parent)
        let page = Array(matching.dropFirst(offset).prefix(limit))
        return ERPCoding.response(
            ERPPage(
                count: page.count, hasMore: offset + page.count < matching.count, items: page, offset: offset,
                totalResults: matching.count))
    }

    private func written(_ record: ERPRecord) -> Response {
        var response = Response(status: .noContent)
        if let location = HTTPField.Name("Location") {
            response.headers[location] = "\(Self.prefix)/\(record.type.rawValue)/\(record.id)"
        }
        return response
    }
}
