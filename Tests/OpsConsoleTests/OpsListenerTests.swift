import AsyncHTTPClient
import Foundation
import NIOCore
import OpsConsole
import Pipeline
import XCTest

/// `ops.listen`: the console on a listener of its own, off the webhook port.
final class OpsListenerTests: XCTestCase {
    func testTheConsoleOnItsOwnListenerAnswersThereWithItsGateAndStopsWithThePipeline() async throws {
        var configuration = PipelineConfiguration()
        configuration.ops = OpsConfiguration(token: Secret("listener-token"), listenHost: "127.0.0.1", listenPort: 0)
        let console = OpsConsole(configuration: configuration, logger: .init(label: "ops-listener-test"))
        let (ports, continuation) = AsyncStream<Int?>.makeStream()
        let app = console.makeListener(host: "127.0.0.1", port: 0) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        let bound = await iterator.next() ?? nil
        let port = try XCTUnwrap(bound, "the console's listener bound a port")
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let refused = try await client.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/ops/cases"), timeout: .seconds(10))
            XCTAssertEqual(refused.status.code, 401)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/ops/cases")
            request.headers.add(name: "Authorization", value: "Bearer listener-token")
            let notReady = try await client.execute(request, timeout: .seconds(10))
            XCTAssertEqual(notReady.status.code, 503, "let in, but no pipeline attached yet")
            let other = try await client.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/webhooks/shopify"), timeout: .seconds(10))
            XCTAssertEqual(other.status.code, 404, "only the console is served there")
        } catch {
            try await client.shutdown()
            server.cancel()
            throw error
        }
        try await client.shutdown()
        server.cancel()
        let result = await server.result
        XCTAssertNoThrow(try result.get(), "the listener stopped cleanly")
    }
}
