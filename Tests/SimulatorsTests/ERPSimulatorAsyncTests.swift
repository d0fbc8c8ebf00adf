import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Simulators
import XCTest

/// The ERP simulator's NetSuite asynchronous requests over real HTTP, as Oracle's NetSuite help
/// documents them (REST Web Services Request Processing): 202 + job `Location`, the job, its task
/// and the task's result, idempotency keys, custom fields at the top level, late commits.
final class ERPSimulatorAsyncTests: XCTestCase {
    static let token = "erp-async-token"

    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var json: [String: Any]
    }

    private static func call(
        _ erp: ERPSimulator, _ method: HTTPMethod, _ path: String, body: [String: Any]? = nil,
        headers: [(String, String)] = []
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: erp.server.baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:]
        return Answer(status: Int(response.status.code), headers: response.headers, json: json)
    }

    private static let record = "/services/rest/record/v1"

    private static func href(_ object: Any?, rel: String) -> String? {
        let links = (object as? [String: Any])?["links"] as? [[String: Any]] ?? []
        return links.first { $0["rel"] as? String == rel }?["href"] as? String
    }

    private static func errorCode(_ answer: Answer) -> String? {
        ((answer.json["o:errorDetails"] as? [[String: Any]])?.first?["o:errorCode"]) as? String
    }

    func testAnAsyncWriteIsAJobWhoseTaskResultNamesTheRecord() async throws {
        let erp = try await ERPSimulator.start(token: Self.token)
        let submitted = try await Self.call(
            erp, .PUT, Self.record + "/salesOrder/eid:so-shopify-1",
            body: ["orderStatus": ["id": "B"], "custbody_driftless_version": "3"],
            headers: [
                ("Prefer", "respond-async"), ("X-NetSuite-Idempotency-Key", "cac827ea-3543-4cda-add2-bae634326c27"),
            ])
        XCTAssertEqual(submitted.status, 202)
        XCTAssertEqual(submitted.headers.first(name: "Preference-Applied"), "respond-async")
        let location = try XCTUnwrap(submitted.headers.first(name: "Location"))
        XCTAssertTrue(location.hasPrefix("/services/rest/async/v1/job/"), location)

        let job = try await Self.call(erp, .GET, location)
        XCTAssertEqual(job.status, 200)
        XCTAssertEqual(job.json["completed"] as? Bool, true, "jobs run at once by default")
        XCTAssertEqual(job.json["progress"] as? String, "succeeded")
        XCTAssertEqual(job.json["id"] as? String, location.split(separator: "/").last.map(String.init))
        XCTAssertEqual(Self.href(job.json, rel: "self"), erp.server.baseURL + location)
        let taskCollection = try XCTUnwrap(Self.href(job.json["task"], rel: "self"))
        XCTAssertEqual(taskCollection, erp.server.baseURL + location + "/task")

        let tasks = try await Self.call(erp, .GET, location + "/task")
        let items = try XCTUnwrap(tasks.json["items"] as? [[String: Any]])
        XCTAssertEqual(items.count, 1)
        let taskURL = try XCTUnwrap(Self.href(items.first, rel: "self"))
        let taskPath = String(taskURL.dropFirst(erp.server.baseURL.count))
        let task = try await Self.call(erp, .GET, taskPath)
        XCTAssertEqual(task.json["completed"] as? Bool, true)
        XCTAssertEqual(task.json["progress"] as? String, "succeeded")
        XCTAssertNotNil(task.json["startTime"] as? String)
        XCTAssertNotNil(task.json["endTime"] as? String)
        XCTAssertEqual(Self.href(task.json, rel: "related"), taskURL + "/result")

        let result = try await Self.call(erp, .GET, taskPath + "/result")
        XCTAssertEqual(result.status, 200)
        let written = try XCTUnwrap(Self.href(result.json, rel: "self"))
        let found = await erp.store.find(.salesOrder, id: "eid:so-shopify-1")
        let salesOrder = try XCTUnwrap(found)
        XCTAssertEqual(written, erp.server.baseURL + Self.record + "/salesOrder/\(salesOrder.id)")

        // Custom fields sit at the top level of the record's JSON.
        let read = try await Self.call(erp, .GET, Self.record + "/salesOrder/\(salesOrder.id)")
        XCTAssertEqual(read.json["custbody_driftless_version"] as? String, "3")
        XCTAssertNil(read.json["fields"])
        await erp.stop()
    }

    func testARepeatedIdempotencyKeyNamesTheFirstJobAndRunsNothingAgain() async throws {
        let erp = try await ERPSimulator.start(token: Self.token)
        let key = "0f8fad5b-d9cb-469f-a165-70867728950e"
        let first = try await Self.call(
            erp, .PUT, Self.record + "/salesOrder/eid:so-1", body: ["orderStatus": ["id": "A"]],
            headers: [("Prefer", "respond-async"), ("X-NetSuite-Idempotency-Key", key)])
        XCTAssertEqual(first.status, 202)
        let firstJob = try XCTUnwrap(first.headers.first(name: "Location"))
        // Header names are case-insensitive; a different body under the same key still is refused.
        let again = try await Self.call(
            erp, .PUT, Self.record + "/salesOrder/eid:so-1", body: ["orderStatus": ["id": "B"]],
            headers: [("prefer", "respond-async"), ("x-netsuite-idempotency-key", key)])
        XCTAssertEqual(again.status, 400)
        XCTAssertEqual(Self.errorCode(again), "IDEMPOTENCY_ERROR")
        XCTAssertEqual(again.headers.first(name: "Location"), firstJob)
        let order = await erp.store.find(.salesOrder, id: "eid:so-1")
        XCTAssertEqual(order?.status?.id, "A", "the repeated request did not run")
        let writes = await erp.store.writeLog.count
        XCTAssertEqual(writes, 1)
        let jobs = await erp.asyncJobCount
        XCTAssertEqual(jobs, 1)
        await erp.stop()
    }

    func testAFailedJobsResultIsTheNetSuiteError() async throws {
        let faults = ERPFaults(seed: 3)
        faults.update { $0.invalidOrders = ["so-bad"] }
        let erp = try await ERPSimulator.start(faults: faults, token: Self.token)
        let submitted = try await Self.call(
            erp, .PUT, Self.record + "/salesOrder/eid:so-bad", body: ["orderStatus": ["id": "B"]],
            headers: [("Prefer", "respond-async")])
        XCTAssertEqual(submitted.status, 202, "accepted: the task fails, not the request")
        let location = try XCTUnwrap(submitted.headers.first(name: "Location"))
        let job = try await Self.call(erp, .GET, location)
        XCTAssertEqual(job.json["progress"] as? String, "failed")
        let tasks = try await Self.call(erp, .GET, location + "/task")
        let taskURL = try XCTUnwrap(Self.href((tasks.json["items"] as? [[String: Any]])?.first, rel: "self"))
        let result = try await Self.call(erp, .GET, String(taskURL.dropFirst(erp.server.baseURL.count)) + "/result")
        XCTAssertEqual(result.status, 422)
        XCTAssertEqual(Self.errorCode(result), "USER_ERROR")
        XCTAssertEqual(result.json["status"] as? Int, 422)
        await erp.stop()
    }

    func testADelayedJobIsPendingUntilItRuns() async throws {
        let faults = ERPFaults(seed: 4)
        faults.update { $0.asyncJobDelay = .milliseconds(300) }
        let erp = try await ERPSimulator.start(faults: faults, token: Self.token)
        let submitted = try await Self.call(
            erp, .PUT, Self.record + "/salesOrder/eid:so-slow", body: ["orderStatus": ["id": "A"]],
            headers: [("Prefer", "respond-async")])
        let location = try XCTUnwrap(submitted.headers.first(name: "Location"))
        let pending = try await Self.call(erp, .GET, location)
        XCTAssertEqual(pending.json["completed"] as? Bool, false)
        XCTAssertEqual(pending.json["progress"] as? String, "pending")
        let missing = await erp.store.find(.salesOrder, id: "eid:so-slow")
        XCTAssertNil(missing, "nothing written while the job is pending")
        let done = try await eventually(timeout: .seconds(20)) {
            try await Self.call(erp, .GET, location).json["progress"] as? String == "succeeded"
        }
        XCTAssertTrue(done)
        let written = await erp.store.find(.salesOrder, id: "eid:so-slow")
        XCTAssertEqual(written?.status?.id, "A")
        await erp.stop()
    }

    /// The fault: no answer in time, the write lands after `lateCommitDelay` — after a newer one
    /// (sync); an async request's arrival lands late and its key is checked then.
    func testLateCommitsLandAfterNewerWrites() async throws {
        let faults = ERPFaults(seed: 5)
        let erp = try await ERPSimulator.start(faults: faults, token: Self.token)
        faults.update {
            $0.lateCommitRatio = 1
            $0.lateCommitDelay = .milliseconds(400)
            $0.stall = .milliseconds(100)
        }
        let late = try await Self.call(
            erp, .PUT, Self.record + "/salesOrder/eid:so-late",
            body: ["orderStatus": ["id": "A"], "custbody_driftless_version": "1"])
        XCTAssertEqual(late.status, 503, "no answer in time")
        faults.update { $0.lateCommitRatio = 0 }
        let newer = try await Self.call(
            erp, .PUT, Self.record + "/salesOrder/eid:so-late",
            body: ["orderStatus": ["id": "B"], "custbody_driftless_version": "2"])
        XCTAssertEqual(newer.status, 204)
        let landed = await eventually(timeout: .seconds(20)) { erp.pendingBackgroundWork == 0 }
        XCTAssertTrue(landed)
        let order = await erp.store.find(.salesOrder, id: "eid:so-late")
        XCTAssertEqual(order?.status?.id, "A", "the late write won")
        let regressions = await erp.store.versionRegressions
        XCTAssertEqual(regressions, 1, "counted: a lower custbody_driftless_version over a higher one")

        // Async: the late arrival carries a key the retry already used → refused when it lands.
        faults.update { $0.lateCommitRatio = 1 }
        let key = "6f1c2a4e-0000-5000-8000-000000000001"
        let headers = [("Prefer", "respond-async"), ("X-NetSuite-Idempotency-Key", key)]
        let lost = try await Self.call(
            erp, .PUT, Self.record + "/salesOrder/eid:so-async", body: ["orderStatus": ["id": "A"]], headers: headers)
        XCTAssertEqual(lost.status, 503)
        faults.update { $0.lateCommitRatio = 0 }
        let retry = try await Self.call(
            erp, .PUT, Self.record + "/salesOrder/eid:so-async", body: ["orderStatus": ["id": "A"]], headers: headers)
        XCTAssertEqual(retry.status, 202)
        let settled = await eventually(timeout: .seconds(20)) { erp.pendingBackgroundWork == 0 }
        XCTAssertTrue(settled)
        let jobs = await erp.asyncJobCount
        XCTAssertEqual(jobs, 1, "the late arrival made no second job")
        let writes = await erp.store.writeLog.filter { $0.externalId == "so-async" }.count
        XCTAssertEqual(writes, 1)
        await erp.stop()
    }
}
