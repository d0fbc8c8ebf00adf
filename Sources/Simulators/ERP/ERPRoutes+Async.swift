import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// NetSuite's asynchronous request processing, as Oracle's NetSuite help documents it (REST Web
/// Services Request Processing):
/// - "Sending an Asynchronous Request": a write with `Prefer: respond-async` → `202 Accepted`,
///   `Preference-Applied: respond-async`, `Location: /services/rest/async/v1/job/{id}`.
/// - "Sending an Asynchronous Request Using an Idempotency Key": with `X-NetSuite-Idempotency-Key`,
///   a key already used → `400`, `o:errorCode` `IDEMPOTENCY_ERROR`, `Location` of the first job;
///   nothing runs again.
/// - "Polling for the Status of a Completed Asynchronous Request": `GET …/job/{id}` (`id`,
///   `completed`, `progress` pending/succeeded/failed, `task` links), `GET …/job/{id}/task` (the
///   task links), `GET …/job/{id}/task/{taskId}` (`completed`, `progress`, `startTime`, `endTime`,
///   links incl. the `result`).
/// - "Getting the Result of an Executed Request": `GET …/job/{id}/task/{taskId}/result` — for a
///   write that succeeded, the written record's `self` link (its location); for one that failed,
///   NetSuite's error body with the request's status.
extension ERPRoutes {
    static let asyncPrefix = "/services/rest/async/v1"
    static let prefer = HTTPField.Name("Prefer") ?? .accept
    static let preferenceApplied = HTTPField.Name("Preference-Applied") ?? .accept
    /// Header names are case-insensitive (`HTTPField.Name` compares them lowercased).
    static let idempotencyKey = HTTPField.Name("X-NetSuite-Idempotency-Key") ?? .accept

    func addAsyncRoutes(to router: Router<BasicRequestContext>) {
        router.get("\(Self.asyncPrefix)/job/:job") { request, context in
            await poll(request) { await jobAnswer(context) }
        }
        router.get("\(Self.asyncPrefix)/job/:job/task") { request, context in
            await poll(request) { await tasksAnswer(context) }
        }
        router.get("\(Self.asyncPrefix)/job/:job/task/:task") { request, context in
            await poll(request) { await taskAnswer(context) }
        }
        router.get("\(Self.asyncPrefix)/job/:job/task/:task/result") { request, context in
            await poll(request) { await resultAnswer(context) }
        }
    }

    /// Queues `write` as a job (or names the first job of its idempotency key) and answers.
    func submit(_ write: Write, idempotencyKey: String?) async -> Response {
        switch await jobs.submit(idempotencyKey: idempotencyKey) {
        case .duplicate(let first):
            var response = ERPError.response(
                .badRequest, code: "IDEMPOTENCY_ERROR",
                detail: "A request with the same idempotency key is already submitted. "
                    + "See the \"Location\" header for a link to the previously submitted job")
            response.headers[.location] = "\(Self.asyncPrefix)/job/\(first)"
            response.headers[Self.preferenceApplied] = "respond-async"
            return response
        case .accepted(let id):
            let delay = faults.settings.asyncJobDelay
            if delay > .zero {
                background.run { [self] in
                    guard (try? await Task.sleep(for: delay)) != nil else { return }
                    await run(job: id, write)
                }
            } else {
                await run(job: id, write)
            }
            var response = Response(status: .accepted)
            response.headers[.location] = "\(Self.asyncPrefix)/job/\(id)"
            response.headers[Self.preferenceApplied] = "respond-async"
            response.headers[.contentType] = "application/json"
            return response
        }
    }

    private func run(job id: String, _ write: Write) async {
        await jobs.start(id)
        await jobs.finish(id, await execute(write))
    }

    /// An authenticated read of the async API, through the faults like any other read.
    private func poll(_ request: Request, _ body: () async -> Response) async -> Response {
        let response: Response
        if !authenticator.authorize(request) {
            response = ERPError.response(.unauthorized, code: "INVALID_LOGIN", detail: "Invalid login attempt.")
        } else {
            let (decision, latency) = faults.admit(orders: [], now: Date())
            if latency > .zero { try? await Task.sleep(for: latency) }
            switch decision {
            case .proceed:
                response = await body()
                faults.finish()
            case .lateCommit:  // (writes only; a read is never held back)
                response = await body()
            case .applyThenStall(let duration):
                response = await body()
                faults.finish()
                try? await Task.sleep(for: duration)
            case .stall(let duration):
                try? await Task.sleep(for: duration)
                response = refusal(decision)
            default:
                response = refusal(decision)
            }
        }
        counters.add(Int(response.status.code))
        counters.add(kind: "poll")
        return response
    }

    private func link(_ rel: String, _ path: String) -> [String: String] {
        ["rel": rel, "href": base.url + path]
    }

    /// The job the path names (and, when the path names a task, only if it is the job's task).
    private func found(_ context: BasicRequestContext) async -> ERPAsyncJobs.Job? {
        guard let id = context.parameters.get("job"), let job = await jobs.job(id) else { return nil }
        if let task = context.parameters.get("task"), task != job.taskID { return nil }
        return job
    }

    private static var notFound: Response {
        ERPError.response(.notFound, code: "NONEXISTENT_ID", detail: "The asynchronous job or task does not exist.")
    }

    private func jobAnswer(_ context: BasicRequestContext) async -> Response {
        guard let job = await found(context) else { return Self.notFound }
        let path = "\(Self.asyncPrefix)/job/\(job.id)"
        return Self.json([
            "links": [link("self", path)], "completed": job.completed, "id": job.id,
            "progress": job.progress.rawValue, "task": ["links": [link("self", path + "/task")]],
        ])
    }

    private func tasksAnswer(_ context: BasicRequestContext) async -> Response {
        guard let job = await found(context) else { return Self.notFound }
        let path = "\(Self.asyncPrefix)/job/\(job.id)/task"
        return Self.json([
            "links": [link("self", path)], "count": 1, "hasMore": false, "offset": 0, "totalResults": 1,
            "items": [["links": [link("self", path + "/\(job.taskID)")], "id": job.taskID]],
        ])
    }

    private func taskAnswer(_ context: BasicRequestContext) async -> Response {
        guard let job = await found(context) else { return Self.notFound }
        let path = "\(Self.asyncPrefix)/job/\(job.id)/task/\(job.taskID)"
        var body: [String: Any] = [
            "links": [link("related", path + "/result"), link("self", path)], "completed": job.completed,
            "id": job.taskID, "progress": job.progress.rawValue,
        ]
        if let start = job.startTime { body["startTime"] = SimulatorTime.string(start) }
        if let end = job.endTime { body["endTime"] = SimulatorTime.string(end) }
        return Self.json(body)
    }

    private func resultAnswer(_ context: BasicRequestContext) async -> Response {
        guard let job = await found(context) else { return Self.notFound }
        switch job.result {
        case nil:
            return ERPError.response(
                .notFound, code: "NONEXISTENT_ID", detail: "The task has not been executed yet.")
        case .written(let type, let id):
            return Self.json(["links": [link("self", "\(Self.prefix)/\(type.rawValue)/\(id)")]])
        case .failed(let status, let code, let detail):
            return ERPError.response(HTTPResponse.Status(code: status), code: code, detail: detail)
        }
    }

    private static func json(_ object: [String: Any]) -> Response {
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return Response(
            status: .ok, headers: [.contentType: "application/vnd.oracle.resource+json; type=singular"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
