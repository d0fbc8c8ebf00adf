import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Runs a Hummingbird router on 127.0.0.1 in a background task and reports the bound port.
///
/// Port 0 picks a free port; `port` is known once `start()` returns. `stop()` shuts the server down
/// gracefully (see there).
public final class SimulatorServer: Sendable {
    private let task: Task<Void, any Error>
    private let group: ServiceGroup
    /// The TCP port the server listens on.
    public let port: Int

    /// How long `stop()` lets requests in flight finish (a fault may hold one) before it cancels.
    static let gracePeriod: Duration = .seconds(10)

    private init(task: Task<Void, any Error>, group: ServiceGroup, port: Int) {
        self.task = task
        self.group = group
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
        // In a service group of its own, so `stop()` can shut it down gracefully.
        let group = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = stream.makeAsyncIterator()
        guard let bound = await iterator.next(), bound > 0 else {
            task.cancel()
            throw SimulatorError.serverFailedToStart(name)
        }
        return SimulatorServer(task: task, group: group, port: bound)
    }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Stops the server and waits for it to end: it stops accepting, lets requests in flight finish and
    /// closes every connection, for at most ``gracePeriod``; then it cancels.
    ///
    /// Not a plain cancel: cancelling the task that serves a NIO async server channel drops connections it
    /// accepted but had not handed out yet, and activating such a connection then traps in NIO ("Deinited
    /// NIOAsyncWriter without calling finish()", swift-nio issue 2813; its maintainers advise a graceful
    /// shutdown). Tests stop simulators while clients still connect (an ERP outage), which is that window.
    public func stop() async {
        await group.triggerGracefulShutdown()
        let task = self.task
        let ended = await withTaskGroup(of: Bool.self) { race in
            race.addTask {
                _ = await task.result
                return true
            }
            race.addTask {
                try? await Task.sleep(for: Self.gracePeriod)
                return false
            }
            let first = await race.next() ?? false
            race.cancelAll()
            return first
        }
        if !ended {
            task.cancel()
            _ = await task.result
        }
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
