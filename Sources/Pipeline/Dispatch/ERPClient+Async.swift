import Crypto
import Foundation
import NIOHTTP1

/// NetSuite asynchronous writes (Oracle's NetSuite help, REST Web Services Request Processing):
/// the write goes with `Prefer: respond-async` and `X-NetSuite-Idempotency-Key`, the server answers
/// `202` + the job's `Location`, and the job is followed until it completed ("Sending an
/// Asynchronous Request", "Polling for the Status of a Completed Asynchronous Request"); its task's
/// result names the written record or carries the error ("Getting the Result of an Executed
/// Request"). A key the server has seen answers `400 IDEMPOTENCY_ERROR` with the first job's
/// `Location`, which is then followed instead ("Sending an Asynchronous Request Using an
/// Idempotency Key"): a write whose answer was lost is never made a second time, and once its job
/// is followed nothing of it can land later.
extension ERPClient {
    /// What an asynchronous write gave: how it ended and, when done and asked for, the written
    /// record's path (`/services/rest/record/v1/{type}/{id}`).
    public struct AsyncWrite: Sendable, Equatable {
        public var outcome: ERPOutcome
        public var recordLocation: String?
    }

    /// `PUT /{type}/eid:{externalId}` as an asynchronous request with `idempotencyKey`, followed
    /// until its job completed (at most ``ERPConfiguration/asyncJobDeadline``). `wantsRecord`:
    /// read the task's result for the record's location even when the job succeeded.
    ///
    /// A key an earlier send already used leads to that send's job. If that job **failed**, nothing of
    /// it was written, and this send is a new try (a replay after the ERP was fixed): it goes again
    /// under a key derived from the failed job's key and id — deterministic, so every replica and
    /// retry of this try uses the same one — at most `maxFailedJobs` times.
    public func upsertAsync(
        _ type: String, externalId: String, body: Data, idempotencyKey: String, wantsRecord: Bool
    ) async -> AsyncWrite {
        await writeAsync(
            .PUT, "/\(type)/eid:\(Self.escape(externalId))", body: body, idempotencyKey: idempotencyKey,
            wantsRecord: wantsRecord)
    }

    /// Any write of the record API — `method` to `path` (under `/services/rest/record/v1`): an
    /// upsert, a transform, a record action — as an asynchronous request with `idempotencyKey`,
    /// followed like ``upsertAsync(_:externalId:body:idempotencyKey:wantsRecord:)``.
    public func writeAsync(
        _ method: HTTPMethod, _ path: String, body: Data?, idempotencyKey: String, wantsRecord: Bool
    ) async -> AsyncWrite {
        let path = Self.recordPath + path
        var key = idempotencyKey
        var failedJobs = 0
        while true {
            let submitted = await exchange(
                method, path, body: body,
                headers: [("Prefer", "respond-async"), ("X-NetSuite-Idempotency-Key", key)])
            let job: String
            let earlier: Bool
            switch (submitted.status, submitted.errorCode) {
            case (202?, _):
                guard let location = submitted.location else {
                    return AsyncWrite(
                        outcome: .transient(status: 202, retryAfter: nil, detail: "202 without a job Location"))
                }
                (job, earlier) = (location, false)
            case (400?, "IDEMPOTENCY_ERROR"?):
                // The key was used: an earlier send of this write made the job. Follow that one.
                guard let location = submitted.location else {
                    return AsyncWrite(
                        outcome: .permanent(
                            status: 400, code: "IDEMPOTENCY_ERROR", detail: "no Location of the first job"))
                }
                (job, earlier) = (location, true)
            default:
                // Not queued (refused, throttled, no answer) — or answered at once by a server that
                // ignored the preference.
                return AsyncWrite(outcome: submitted.outcome, recordLocation: submitted.location)
            }
            guard let jobPath = serverPath(job) else {
                return AsyncWrite(outcome: .permanent(status: 0, code: "INVALID_LOCATION", detail: "job at \(job)"))
            }
            let (written, failed) = await follow(jobPath, wantsRecord: wantsRecord)
            guard earlier, failed, failedJobs < Self.maxFailedJobs else { return written }
            failedJobs += 1
            key = Self.idempotencyKey(effectID: key, eventID: "after-failed-job \(jobPath)")
        }
    }

    /// Transient failures of one job's polls (or of one read of its result) before the write counts
    /// as unanswered and goes back to dispatch — through the destination's gate, so an outage opens
    /// the breaker instead of being polled through (sent again, its key leads back to the job).
    public static let maxPollFailures = 10

    /// How many failed earlier jobs one send looks past (see ``upsertAsync(_:externalId:body:idempotencyKey:wantsRecord:)``).
    static let maxFailedJobs = 8

    /// Polls the job at `jobPath` until it completed, then reads its task's result when needed.
    private func follow(_ jobPath: String, wantsRecord: Bool) async -> (AsyncWrite, failed: Bool) {
        let deadline = ContinuousClock.now + asyncJobDeadline
        var nap: Duration = .milliseconds(20)
        var last = ERPOutcome.transient(status: nil, retryAfter: nil, detail: "job \(jobPath) not completed in time")
        var failures = 0
        while true {
            let answer = await exchange(.GET, jobPath, body: nil)
            switch answer.outcome {
            case .done:
                let job = answer.body.flatMap { try? JSONDecoder().decode(JobStatus.self, from: $0) }
                if job?.completed == true {
                    let progress = job?.progress
                    if progress == "succeeded" && !wantsRecord {
                        return (AsyncWrite(outcome: .done(status: 204, location: nil)), false)
                    }
                    return (await result(of: jobPath, until: deadline), progress == "failed")
                }
            case .unauthorized, .permanent:
                return (AsyncWrite(outcome: answer.outcome), false)
            case .transient, .conflict:
                last = answer.outcome
                failures += 1
            }
            guard ContinuousClock.now + nap < deadline, failures < Self.maxPollFailures else {
                // Still pending (or unreadable): unanswered. Sending it again reuses the key, which
                // leads back to this job.
                if case .transient(let status, _, let detail) = last {
                    return (AsyncWrite(outcome: .transient(status: status, retryAfter: nil, detail: detail)), false)
                }
                return (AsyncWrite(outcome: last), false)
            }
            try? await Task.sleep(for: nap)
            nap = min(nap * 2, .seconds(1))
        }
    }

    /// The completed job's task result: the record's location, or the failed write's outcome. The
    /// job is done, so its task list and result are read again (until `deadline`) when a read fails
    /// on the way — giving up would send the write again only to find this job.
    private func result(of jobPath: String, until deadline: ContinuousClock.Instant) async -> AsyncWrite {
        let tasks = await read(jobPath + "/task", until: deadline)
        guard case .done = tasks.outcome else { return AsyncWrite(outcome: tasks.outcome) }
        let items = tasks.body.flatMap { try? JSONDecoder().decode(TaskList.self, from: $0) }?.items ?? []
        guard let href = items.first?.selfLink, let taskPath = serverPath(href) else {
            return AsyncWrite(outcome: .transient(status: nil, retryAfter: nil, detail: "job \(jobPath) lists no task"))
        }
        let result = await read(taskPath + "/result", until: deadline)
        if result.isSuccess {
            let linked = result.body.flatMap { try? JSONDecoder().decode(Linked.self, from: $0) }
            guard let record = linked?.selfLink, let path = serverPath(record) else {
                return AsyncWrite(
                    outcome: .transient(status: nil, retryAfter: nil, detail: "task result without a link"))
            }
            return AsyncWrite(outcome: .done(status: 204, location: path), recordLocation: path)
        }
        // A failed write's result is NetSuite's error body with the write's own status.
        guard let status = result.status, let body = result.body,
            let failure = try? JSONDecoder().decode(ERPErrorBody.self, from: body), !failure.details.isEmpty
        else { return AsyncWrite(outcome: result.outcome) }
        let (code, detail) = Self.errorDetail(body)
        let written = failure.status ?? status
        return AsyncWrite(outcome: ERPOutcome.classify(status: written, code: code, detail: detail))
    }

    /// `GET path`, read again after a transient failure (short back-off) until `deadline`, at most
    /// ``maxPollFailures`` times.
    private func read(_ path: String, until deadline: ContinuousClock.Instant) async -> Answer {
        var nap: Duration = .milliseconds(20)
        var failures = 0
        while true {
            failures += 1
            let answer = await exchange(.GET, path, body: nil)
            guard case .transient = answer.outcome, ContinuousClock.now + nap < deadline,
                failures < Self.maxPollFailures
            else { return answer }
            try? await Task.sleep(for: nap)
            nap = min(nap * 2, .seconds(1))
        }
    }

    /// `location` as a path on this ERP (a path, or an absolute URL on the configured base); nil for
    /// anywhere else (credentials never go to another host).
    private func serverPath(_ location: String) -> String? {
        if location.hasPrefix("/") { return location }
        guard location.hasPrefix(baseURL + "/") else { return nil }
        return String(location.dropFirst(baseURL.count))
    }

    /// An asynchronous job's state (`completed`, `progress`).
    struct JobStatus: Decodable {
        var completed: Bool?
        var progress: String?
    }

    /// A resource with `links` (a task, a task's result).
    struct Linked: Decodable {
        struct Link: Decodable {
            var rel: String?
            var href: String?
        }
        var links: [Link]?

        var selfLink: String? { links?.first { $0.rel == "self" }?.href }
    }

    /// A job's task list.
    struct TaskList: Decodable {
        var items: [Linked]
    }

    /// The idempotency key of one write: a UUID-formatted value from SHA-256 of the effect id and
    /// the canonical event id, so a retry or a redelivery of the same event sends the same key and
    /// a later event (or a repair) a different one.
    public static func idempotencyKey(effectID: String, eventID: String) -> String {
        var bytes = Array(SHA256.hash(data: Data("\(effectID)\u{1F}\(eventID)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50  // version 5 style (name-based, SHA)
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        let hex = bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
        var out = ""
        for (index, character) in hex.enumerated() {
            if [8, 12, 16, 20].contains(index) { out.append("-") }
            out.append(character)
        }
        return out
    }
}
