import Foundation
import Hummingbird
import Logging
import NIOCore
import Simulators
import Synchronization

/// A local HTTP server standing in for a Slack or Teams webhook: records every POST body (with
/// when it came) and answers from a script (e.g. one 429 with `Retry-After`, then 200s).
final class AlertReceiver: Sendable {
    struct Received: Sendable {
        var body: [UInt8]
        var at: ContinuousClock.Instant
        var status: Int
        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        }
    }

    /// Answers to give, in order; once used up, 200 `ok`.
    struct Answer: Sendable {
        var status: Int
        var retryAfter: String?
    }

    private let state: ReceiverState
    private let server: SimulatorServer
    /// The secret webhook URL of this receiver.
    let url: String

    private init(state: ReceiverState, server: SimulatorServer, path: String) {
        self.state = state
        self.server = server
        url = server.baseURL + path
    }

    static func start(path: String = "/hooks/secret-token-123", script: [Answer] = []) async throws -> AlertReceiver {
        let router = Router()
        let shared = ReceiverState(script: script)
        router.post(RouterPath(path)) { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let answer = shared.mutex.withLock { state -> Answer in
                let answer = state.script.isEmpty ? Answer(status: 200) : state.script.removeFirst()
                state.received.append(
                    Received(body: Array(body.readableBytesView), at: .now, status: answer.status))
                return answer
            }
            var headers: HTTPFields = [.contentType: "text/plain"]
            if let after = answer.retryAfter { headers[.retryAfter] = after }
            return Response(
                status: .init(code: answer.status), headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: answer.status == 200 ? "ok" : "rate limited")))
        }
        var logger = Logger(label: "alert-receiver")
        logger.logLevel = .critical
        let server = try await SimulatorServer.start(router: router, name: "alert-receiver", logger: logger)
        return AlertReceiver(state: shared, server: server, path: path)
    }

    /// Every request so far.
    var received: [Received] { state.mutex.withLock { $0.received } }

    /// The requests answered 2xx.
    var accepted: [Received] { received.filter { (200..<300).contains($0.status) } }

    func stop() async {
        await server.stop()
    }
}

/// The receiver's requests and remaining script, shared with its route.
private final class ReceiverState: Sendable {
    let mutex: Mutex<(received: [AlertReceiver.Received], script: [AlertReceiver.Answer])>

    init(script: [AlertReceiver.Answer]) {
        mutex = Mutex((received: [], script: script))
    }
}
