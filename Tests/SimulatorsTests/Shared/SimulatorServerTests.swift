import AsyncHTTPClient
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Simulators
import XCTest

/// `SimulatorServer.stop()` is a graceful shutdown: what is in flight finishes, nothing new is accepted,
/// and stopping while clients keep connecting ends cleanly (cancelling the serving task instead traps in
/// NIO when an accepted connection activates after its server stopped reading them: swift-nio 2813).
final class SimulatorServerTests: XCTestCase {
    private let logger = Logger(label: "simulator-server-test")

    func testStopLetsARequestInFlightFinishThenRefusesConnections() async throws {
        let (arrived, arrival) = AsyncStream<Void>.makeStream()
        let router = Router()
        router.get("/slow") { _, _ -> String in
            arrival.yield()
            try await Task.sleep(for: .milliseconds(400))
            return "done"
        }
        let server = try await SimulatorServer.start(router: router, name: "slow", logger: logger)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let url = server.baseURL + "/slow"
            let response = Task { try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(30)) }
            var waiting = arrived.makeAsyncIterator()
            _ = await waiting.next()  // the handler is running
            await server.stop()
            let answer = try await response.value
            XCTAssertEqual(answer.status, .ok, "the request in flight was answered, not cut")
            let body = try await answer.body.collect(upTo: 1024)
            XCTAssertEqual(String(buffer: body), "done")
            let refused = await connects(to: server.port)
            XCTAssertFalse(refused, "a stopped simulator accepts no new connection")
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    func testStoppingWhileClientsKeepConnectingEndsCleanly() async throws {
        for round in 0..<8 {
            let server = try await SimulatorServer.start(router: Router(), name: "busy", logger: logger)
            let port = server.port
            let (started, start) = AsyncStream<Void>.makeStream()
            let storm = Task {
                var connected = 0
                while !Task.isCancelled {
                    if await connects(to: port) {
                        connected += 1
                        if connected == 20 { start.yield() }
                    }
                }
            }
            var waiting = started.makeAsyncIterator()
            _ = await waiting.next()  // 20 connections made: the storm is on
            await server.stop()
            storm.cancel()
            _ = await storm.value
            let accepted = await connects(to: port)
            XCTAssertFalse(accepted, "round \(round): the stopped server still accepts")
        }
    }
}

/// Whether a TCP connection to 127.0.0.1:`port` opens (it is closed again at once).
private func connects(to port: Int) async -> Bool {
    guard
        let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port).get()
    else { return false }
    try? await channel.close()
    return true
}
