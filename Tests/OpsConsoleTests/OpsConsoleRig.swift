import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import OpsConsole
import Pipeline
import PipelineHTTP
import XCTest

/// A real embedded pipeline (mock cluster, in-memory SQLite ledger) with the console on its listener,
/// and an HTTP client that does not follow redirects (so a test sees the 303 and its cookie).
final class OpsConsoleRig: Sendable {
    let runtime: PipelineRuntime
    let client: HTTPClient
    let base: String

    init(token: String?) async throws {
        var configuration = PipelineConfiguration()
        configuration.ingestPort = 0
        configuration.ledgerURL = "sqlite::memory:"
        configuration.partitions = 1
        configuration.ops.token = token.map(Secret.init)
        let console = OpsConsole(configuration: configuration, logger: .init(label: "ops-test"))
        runtime = try await PipelineRuntime.start(
            configuration: configuration, http: HummingbirdHTTPFront(extraRoutes: console.addRoutes))
        console.attach(OpsBackend(runtime: runtime))
        base = "http://127.0.0.1:\(runtime.httpPort)"
        client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(
                redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(30))))
    }

    /// Shuts the client and the pipeline down.
    func close() async throws {
        try await client.shutdown()
        try await runtime.shutdown()
    }

    /// A request's status, body and `Set-Cookie` value (name=value only).
    func send(
        _ path: String, method: HTTPMethod = .GET, form: String? = nil, cookie: String? = nil, bearer: String? = nil
    ) async throws -> (status: Int, body: String, cookie: String?) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form))
        }
        if let cookie { request.headers.add(name: "Cookie", value: cookie) }
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 4 << 20)
        let setCookie = response.headers.first(name: "Set-Cookie").map {
            String($0.split(separator: ";", maxSplits: 1)[0])
        }
        return (Int(response.status.code), String(buffer: body), setCookie)
    }

    /// Signs in as `who` and returns the session cookie (`name=value`).
    func signIn(_ who: String, token: String) async throws -> String {
        let answer = try await send("/ops/login", method: .POST, form: "who=\(who)&token=\(token)")
        XCTAssertEqual(answer.status, 303, answer.body)
        return try XCTUnwrap(answer.cookie, "a session cookie")
    }

    /// The CSRF token in a page's forms.
    static func csrf(in page: String) -> String? {
        guard let range = page.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(page[range.upperBound...].prefix { $0 != "\"" })
    }
}
