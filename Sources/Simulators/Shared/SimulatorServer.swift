import Foundation
import Hummingbird
import Logging
import NIOCore

/// Runs a Hummingbird router on 127.0.0.1 in a background task and reports the bound port.
///
/// Port 0 picks a free port; `port` is known once `start()` returns. `stop()` cancels the server task.
public final class SimulatorServer: Sendable {
    private let task: Task<Void, any Error>
    /// The TCP port the server listens on.
    public let port: Int

    private init(task: Task<Void, any Error>, port: Int) {
        self.task = task
        self.port = port
    }

    /// Starts `router` on `127.0.0.1:port` and waits until it is listening.
    /// - Throws: `SimulatorError.serverFailedToStart` when the server ends before listening.
    /// `channelHandlers` are added to every connection after the HTTP codec (fault injection).
    public static func start(
        router: Router<BasicRequestContext>, port: Int = 0, name: String, logger: Logger,
        channelHandlers: @escaping @Sendable () -> [any RemovableChannelHandler] = { [] }
    ) async throws -> SimulatorServer {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: channelHandlers())),
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: name),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? -1)
                continuation.finish()
            },
            logger: logger
        )
        let task = Task {
            defer { continuation.finish() }
            try await app.run()
        }
        var iterator = stream.makeAsyncIterator()
        guard let bound = await iterator.next(), bound > 0 else {
            task.cancel()
            throw SimulatorError.serverFailedToStart(name)
        }
        return SimulatorServer(task: task, port: bound)
    }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Stops the server and waits for it to end.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}

/// Errors of the simulators.
public enum SimulatorError: Error, Equatable, CustomStringConvertible {
    case serverFailedToStart(String)
    case unknownOrder(String)
    case invalidTransition(order: String, action: String)

    public var description: String {
        switch self {
        case .serverFailedToStart(let name): "\(name) server failed to start"
        case .unknownOrder(let id): "unknown order \(id)"
        case .invalidTransition(let order, let action): "order \(order) cannot \(action) now"
        }
    }
}
