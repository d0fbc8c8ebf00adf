import Foundation
import Hummingbird
import Logging
import Pipeline
import ServiceLifecycle

/// Runs the console's own listener (`ops.listen`) beside the pipeline, when one is configured.
public enum OpsListener {
    /// Runs `body` (the pipeline until it stops); with `ops.listen` set, the console's listener runs
    /// meanwhile and is stopped once `body` returns.
    public static func run(
        _ console: OpsConsole, configuration: OpsConfiguration, logger: Logger,
        _ body: @Sendable () async throws -> Void
    ) async throws {
        guard let host = configuration.listenHost, let port = configuration.listenPort else {
            try await body()
            return
        }
        let app = console.makeListener(host: host, port: port) { bound in
            let line = "driftless: ops console on http://\(host):\(bound.map(String.init) ?? "?")/ops\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        // Stopped gracefully, not by cancelling its task: cancelling a NIO async server drops connections
        // it accepted but had not handed out, which traps in NIO (see `SimulatorServer.stop()`).
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let listener = Task { try await group.run() }
        do {
            try await body()
        } catch {
            await group.triggerGracefulShutdown()
            _ = await listener.result
            throw error
        }
        await group.triggerGracefulShutdown()
        _ = await listener.result
    }
}
