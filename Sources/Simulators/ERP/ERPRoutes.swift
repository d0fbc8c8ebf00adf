import Foundation
import HTTPTypes
import Hummingbird
import OrderModel
import Synchronization

/// The request handling of ``ERPSimulator``: the record API (this file) and NetSuite's
/// asynchronous requests (``ERPRoutes`` + async).
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
        router.post("\(Self.prefix)/:type/:id/!transform/:target") { request, context in
            await handle(request, context, .transform)
        }
        addAsyncRoutes(to: router)
        return router
    }

    enum Operation: Sendable { case list, read, create, upsert, update, transform }

    /// A write, as executed now or later (by a job or a late commit).
    struct Write: Sendable {
        var operation: Operation
        var type: ERPRecordType
        var id: String?
        var body: ERPWriteBody
        /// A result decided on arrival (a record the faults make invalid).
        var failure: ERPWriteResult?
    }

    func handle(_ request: Request, _ context: BasicRequestContext, _ operation: Operation) async -> Response {
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
        let isWrite = operation != .list && operation != .read
        var body = ERPWriteBody(json: [:])
        if isWrite {
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
        // "Sending an Asynchronous Request" (Oracle's NetSuite help): `Prefer: respond-async` queues
        // the request as a job. (Reads are answered at once here: Driftless sends only writes async.)
        let isAsync = isWrite && (request.headers[Self.prefer]?.lowercased().contains("respond-async") ?? false)
        let key = request.headers[Self.idempotencyKey].flatMap { $0.isEmpty ? nil : $0 }
        let orders = [id, body.externalId, body.createdFrom].compactMap { $0 }.map {
            $0.hasPrefix("eid:") ? String($0.dropFirst(4)) : $0
        }
        var write = Write(operation: operation, type: target, id: id, body: body)
        let (decision, latency) = faults.admit(orders: isWrite ? orders : [], isWrite: isWrite, now: Date())
        if latency > .zero { try? await Task.sleep(for: latency) }
        switch decision {
        case .proceed:
            defer { faults.finish() }
            if isAsync { return await submit(write, idempotencyKey: key) }
            if isWrite { return Self.response(await execute(write)) }
            return await read(operation, type: target, id: id, query: request.uri.queryParameters)
        case .applyThenStall(let duration):
            defer { faults.finish() }
            let response: Response
            if isAsync {
                response = await submit(write, idempotencyKey: key)
            } else if isWrite {
                response = Self.response(await execute(write))
            } else {
                response = await read(operation, type: target, id: id, query: request.uri.queryParameters)
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
            let failure = ERPWriteResult.failed(
                status: status, code: "USER_ERROR", detail: "Invalid field value for this order.")
            guard isAsync else { return Self.response(failure) }
            // An async request is accepted; its task fails with the validation error.
            write.failure = failure
            return await submit(write, idempotencyKey: key)
        }
    }

    /// Runs `write` against the store.
    func execute(_ write: Write) async -> ERPWriteResult {
        if let failure = write.failure { return failure }
        if let refusal = await ERPContentRules.refusal(write, store: store) { return refusal }
        do {
            switch write.operation {
            case .list, .read:
                return .failed(status: 405, code: "INVALID_REQUEST", detail: "Not a write.")
            case .create, .transform:
                let record = try await store.create(write.type, body: write.body)
                return .written(record.type, id: record.id)
            case .upsert:
                guard let id = write.id, id.hasPrefix("eid:") else {
                    return .failed(status: 400, code: "INVALID_REQUEST", detail: "PUT needs eid:<externalId>.")
                }
                let record = try await store.upsert(write.type, externalId: String(id.dropFirst(4)), body: write.body).0
                return .written(record.type, id: record.id)
            case .update:
                let record = try await store.update(write.type, id: write.id ?? "", body: write.body)
                return .written(record.type, id: record.id)
            }
        } catch {
            switch error {
            case .duplicateExternalId(let externalId):
                return .failed(
                    status: 400, code: "DUP_RCRD", detail: "A record with externalId \(externalId) already exists.")
            case .notFound(let what):
                return .failed(status: 404, code: "NONEXISTENT_ID", detail: "\(what) not found.")
            case .invalid(let why):
                return .failed(status: 400, code: "INVALID_FLD_VALUE", detail: why)
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

    private func list(_ type: ERPRecordType, query: Parameters) async -> Response {
        var since: Date?
        var parent: String?
        var tranID: String?
        if let q = query.get("q") {
            if let range = q.range(of: "lastModifiedDate ON_OR_AFTER ") {
                let text = q[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
                guard let date = SimulatorTime.date(text) else {
                    return ERPError.response(.badRequest, code: "INVALID_PARAMETER", detail: "Invalid date in q.")
                }
                since = date
            } else if let range = q.range(of: "createdFrom EQUAL ") {
                parent = q[range.upperBound...].trimmingCharacters(in: .whitespaces)
            } else if let range = q.range(of: "tranId IS ") {
                // A string field's `IS` (Oracle NetSuite help, "Record Collection Filtering").
                tranID = q[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
            } else {
                return ERPError.response(.badRequest, code: "INVALID_PARAMETER", detail: "Unsupported q.")
            }
        }
        let limit = min(1000, max(1, query.get("limit", as: Int.self) ?? 1000))
        let offset = max(0, query.get("offset", as: Int.self) ?? 0)
        let matching = await store.records(type, modifiedSince: since, createdFrom: parent).filter { record in
            tranID.map { record.fields["tranId"] == $0 } ?? true
        }
        let page = Array(matching.dropFirst(offset).prefix(limit))
        return ERPCoding.response(
            ERPPage(
                count: page.count, hasMore: offset + page.count < matching.count, items: page, offset: offset,
                totalResults: matching.count))
    }
}

/// The URL clients reach the simulator at, known once it is bound (for the links it returns).
final class SimulatorBaseURL: Sendable {
    private let value = Mutex("")
    func bind(_ url: String) { value.withLock { $0 = url } }
    var url: String { value.withLock { $0 } }
}
