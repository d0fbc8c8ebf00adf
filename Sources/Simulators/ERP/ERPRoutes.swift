import Foundation
import HTTPTypes
import Hummingbird
import OrderModel
import Synchronization

/// The request handling of ``ERPSimulator``: the record API (this file), SuiteQL (``ERPRoutes`` +
/// SuiteQL) and NetSuite's asynchronous requests (``ERPRoutes`` + async). Strict to Oracle's
/// NetSuite help (SuiteTalk REST Web Services):
/// - records: `GET/PATCH /{type}/{id}`, `POST /{type}` (204 + `Location`), upsert `PUT
///   /{type}/eid:{externalId}` ("Working with Records"; "Using External IDs", section_156335203191);
///   an upsert or create of a transform-only type (item fulfilment, return authorization, credit
///   memo) is refused `400 INVALID_CONTENT` ("… can only be created by transforming");
/// - transforms: `POST /salesOrder/{id}/!transform/itemFulfillment|returnAuthorization|invoice|cashSale`
///   and `POST /returnAuthorization/{id}/!transform/creditMemo`, 204 + `Location` of the new record
///   ("Transforming Records", section_157901123882);
/// - record actions: `POST /salesOrder/{id}/@cancel|@close`, parameters optional in the body, the
///   record's state saved at once, 204 + `Location` of the record ("Executing Record Actions",
///   section_156631158782);
/// - collections answer `items` of `links` + `id` only ("Collection Paging"), fields need a GET or
///   SuiteQL;
/// - errors: `type`, `title`, `status`, `o:errorDetails[]` (`detail`, `o:errorCode`) ("Error
///   Handling and Error Response Format").
struct ERPRoutes: Sendable {
    static let prefix = "/services/rest/record/v1"
    let store: ERPStore
    let faults: ERPFaults
    let authenticator: ERPRequestAuthenticator
    let counters: StatusCounts
    let jobs: ERPAsyncJobs
    let background: ERPBackgroundWork
    let base: SimulatorBaseURL

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
        router.post("\(Self.prefix)/:type/:id/:action") { request, context in
            await handle(request, context, .action)
        }
        router.post("\(Self.prefix)/:type/:id/!transform/:target") { request, context in
            await handle(request, context, .transform)
        }
        addSuiteQLRoute(to: router)
        addAsyncRoutes(to: router)
        return router
    }

    enum Operation: Sendable { case list, read, create, upsert, update, transform, action }

    /// A write, as executed now or later (by a job or a late commit).
    struct Write: Sendable {
        var operation: Operation
        /// The record type written (a transform's target).
        var type: ERPRecordType
        var id: String?
        var body: ERPWriteBody
        /// A transform's source type; a record action's name.
        var source: ERPRecordType?
        var action: String?
        /// A result decided on arrival (a record the faults make invalid).
        var failure: ERPWriteResult?
    }

    func handle(_ request: Request, _ context: BasicRequestContext, _ operation: Operation) async -> Response {
        let response = await answer(request, context, operation)
        counters.add(Int(response.status.code))
        counters.add(kind: operation == .list || operation == .read ? "read" : "write")
        return response
    }

    private func answer(_ request: Request, _ context: BasicRequestContext, _ operation: Operation) async -> Response {
        guard authenticator.authorize(request) else {
            return ERPError.response(.unauthorized, code: "INVALID_LOGIN", detail: "Invalid login attempt.")
        }
        guard let type = context.parameters.get("type").flatMap(ERPRecordType.init(rawValue:)) else {
            return ERPError.response(.notFound, code: "INVALID_RCRD_TYPE", detail: "Unknown record type.")
        }
        let id = context.parameters.get("id")
        var write = Write(operation: operation, type: type, id: id, body: ERPWriteBody())
        switch operation {
        case .transform:
            guard let target = context.parameters.get("target").flatMap(ERPRecordType.init(rawValue:)) else {
                return ERPError.response(.badRequest, code: "INVALID_CONTENT", detail: "Unknown transform target.")
            }
            (write.type, write.source) = (target, type)
        case .action:
            guard let name = context.parameters.get("action"), name.hasPrefix("@") else {
                return ERPError.response(.notFound, code: "INVALID_REQUEST", detail: "Unknown sub-resource.")
            }
            write.action = String(name.dropFirst())
        default: break
        }
        let isWrite = operation != .list && operation != .read
        if isWrite {
            guard let bytes = try? await request.body.collect(upTo: 1 << 20) else {
                return ERPError.response(.badRequest, code: "INVALID_CONTENT", detail: "The body is too large.")
            }
            let data = Data(buffer: bytes)
            if data.isEmpty && operation == .action {
                // "You can also execute record actions without providing action parameters."
            } else {
                guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                    return ERPError.response(
                        .badRequest, code: "INVALID_CONTENT", detail: "The body is not a JSON object.")
                }
                write.body = ERPWriteBody(json: json)
            }
        }
        // "Sending an Asynchronous Request" (Oracle's NetSuite help): `Prefer: respond-async` queues
        // the request as a job. (Reads are answered at once here: Driftless sends only writes async.)
        let isAsync = isWrite && (request.headers[Self.prefer]?.lowercased().contains("respond-async") ?? false)
        let key = request.headers[Self.idempotencyKey].flatMap { $0.isEmpty ? nil : $0 }
        let orders = ([id] + write.body.orderReferences.map(Optional.some)).compactMap { $0 }.map {
            $0.hasPrefix("eid:") ? String($0.dropFirst(4)) : $0
        }
        let (decision, latency) = faults.admit(orders: isWrite ? orders : [], isWrite: isWrite, now: Date())
        if latency > .zero { try? await Task.sleep(for: latency) }
        switch decision {
        case .proceed:
            defer { faults.finish() }
            if isAsync { return await submit(write, idempotencyKey: key) }
            if isWrite { return Self.response(await execute(write)) }
            return await read(operation, type: type, id: id, query: request.uri.queryParameters)
        case .applyThenStall(let duration):
            defer { faults.finish() }
            let response: Response
            if isAsync {
                response = await submit(write, idempotencyKey: key)
            } else if isWrite {
                response = Self.response(await execute(write))
            } else {
                response = await read(operation, type: type, id: id, query: request.uri.queryParameters)
            }
            try? await Task.sleep(for: duration)
            return response
        case .lateCommit(let hold, let delay):
            // The client hears nothing in time; the request lands after `delay`, whatever was
            // written since (for an async request: its job is created then, its key checked then).
            background.run { [self, write] in
                guard (try? await Task.sleep(for: delay)) != nil else { return }
                if isAsync {
                    _ = await submit(write, idempotencyKey: key)
                } else {
                    _ = await execute(write)
                }
            }
            try? await Task.sleep(for: hold)
            return ERPError.response(.serviceUnavailable, code: "SERVICE_UNAVAILABLE", detail: "Request timed out.")
        case .invalid(let status):
            let failure = ERPWriteResult.failed(
                status: status, code: "USER_ERROR", detail: "Invalid field value for this order.")
            guard isAsync else { return Self.response(failure) }
            // An async request is accepted; its task fails with the validation error.
            write.failure = failure
            return await submit(write, idempotencyKey: key)
        case .stall(let duration):
            try? await Task.sleep(for: duration)
            return refusal(decision)
        default:
            return refusal(decision)
        }
    }

    /// The answer of a request the faults refuse before it runs.
    func refusal(_ decision: ERPFaults.Decision) -> Response {
        switch decision {
        case .unauthorized:
            return ERPError.response(.unauthorized, code: "INVALID_LOGIN", detail: "Invalid login attempt.")
        case .throttled(let seconds):
            // Nothing in Oracle's documentation promises a `Retry-After`: it is sent only when set.
            var response = ERPError.response(
                .tooManyRequests, code: "REQUEST_LIMIT_EXCEEDED", detail: "Too many requests.")
            if let seconds { response.headers[.retryAfter] = String(seconds) }
            return response
        case .overConcurrency:
            return ERPError.response(
                .tooManyRequests, code: "SSS_REQUEST_LIMIT_EXCEEDED", detail: "Concurrent request limit exceeded.")
        case .stall, .lateCommit, .proceed, .applyThenStall:
            return ERPError.response(.serviceUnavailable, code: "SERVICE_UNAVAILABLE", detail: "Request timed out.")
        case .unavailable, .invalid:
            return ERPError.response(.serviceUnavailable, code: "SERVICE_UNAVAILABLE", detail: "Service unavailable.")
        }
    }

    /// Runs `write` against the store.
    func execute(_ write: Write) async -> ERPWriteResult {
        if let failure = write.failure { return failure }
        if let refusal = await ERPContentRules.refusal(write, store: store) { return refusal }
        do {
            let record: ERPRecord
            switch write.operation {
            case .list, .read:
                return .failed(status: 405, code: "INVALID_REQUEST", detail: "Not a write.")
            case .create:
                record = try await store.create(write.type, body: write.body)
            case .transform:
                record = try await store.transform(
                    from: write.source ?? .salesOrder, id: write.id ?? "", to: write.type, body: write.body)
            case .action:
                record = try await store.act(write.type, id: write.id ?? "", action: write.action ?? "")
            case .upsert:
                guard let id = write.id, id.hasPrefix("eid:") else {
                    return .failed(status: 400, code: "INVALID_REQUEST", detail: "PUT needs eid:<externalId>.")
                }
                record = try await store.upsert(write.type, externalId: String(id.dropFirst(4)), body: write.body).0
            case .update:
                record = try await store.update(write.type, id: write.id ?? "", body: write.body)
            }
            return .written(record.type, id: record.id)
        } catch {
            switch error {
            case .duplicateExternalId(let externalId):
                return .failed(
                    status: 400, code: "DUP_RCRD", detail: "A record with externalId \(externalId) already exists.")
            case .notFound(let what):
                return .failed(status: 404, code: "NONEXISTENT_ID", detail: "\(what) not found.")
            case .invalid(let why):
                return .failed(status: 400, code: "INVALID_FLD_VALUE", detail: why)
            case .refused(let why):
                return .failed(status: 400, code: "INVALID_CONTENT", detail: why)
            }
        }
    }

    /// A synchronous write's answer: 204 + `Location`, or the error.
    static func response(_ result: ERPWriteResult) -> Response {
        switch result {
        case .written(let type, let id):
            var response = Response(status: .noContent)
            response.headers[.location] = "\(Self.prefix)/\(type.rawValue)/\(id)"
            return response
        case .failed(let status, let code, let detail):
            return ERPError.response(HTTPResponse.Status(code: status), code: code, detail: detail)
        }
    }

    private func read(_ operation: Operation, type: ERPRecordType, id: String?, query: Parameters) async -> Response {
        if operation == .list { return await list(type, query: query) }
        guard let id, let record = await store.find(type, id: id) else {
            return ERPError.response(.notFound, code: "NONEXISTENT_ID", detail: "Record not found.")
        }
        return ERPCoding.response(record)
    }

    /// A collection: `items` of `links` + `id` only, paged ("Collection Paging"; the record fields
    /// need a GET of each, or SuiteQL). `q=lastModifiedDate ON_OR_AFTER "…"` or `q=tranId IS "SO-4401"` filters.
    private func list(_ type: ERPRecordType, query: Parameters) async -> Response {
        var since: Date?
        var tranID: String?
        if let q = query.get("q") {
            if let range = q.range(of: "tranId IS ") {
                // A string field's `IS` (Oracle NetSuite help, "Record Collection Filtering").
                tranID = q[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
            } else {
                guard let range = q.range(of: "lastModifiedDate ON_OR_AFTER ") else {
                    return ERPError.response(.badRequest, code: "INVALID_PARAMETER", detail: "Unsupported q.")
                }
                let text = q[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
                guard let date = SimulatorTime.date(text) else {
                    return ERPError.response(.badRequest, code: "INVALID_PARAMETER", detail: "Invalid date in q.")
                }
                since = date
            }
        }
        let limit = min(1000, max(1, query.get("limit", as: Int.self) ?? 1000))
        let offset = max(0, query.get("offset", as: Int.self) ?? 0)
        let matching = await store.records(type, modifiedSince: since).filter { record in
            tranID.map { record.fields["tranId"] == $0 } ?? true
        }
        let page = Array(matching.dropFirst(offset).prefix(limit))
        let items = page.map { record in
            ERPPage.Item(
                links: [.init(rel: "self", href: base.url + "\(Self.prefix)/\(type.rawValue)/\(record.id)")],
                id: record.id)
        }
        return ERPCoding.response(
            ERPPage(
                count: page.count, hasMore: offset + page.count < matching.count, items: items, offset: offset,
                totalResults: matching.count))
    }
}

/// The URL clients reach the simulator at, known once it is bound (for the links it returns).
final class SimulatorBaseURL: Sendable {
    private let value = Mutex("")
    func bind(_ url: String) { value.withLock { $0 = url } }
    var url: String { value.withLock { $0 } }
}
