import Pipeline
import ServiceLifecycle
import Synchronization

/// A command's finite work as a `Service` of ``runServices(_:logger:signals:repeatedSignal:maximumGracefulShutdownDuration:)``:
/// it runs `body` once, and a graceful shutdown (SIGTERM/SIGINT) cancels it (the body cleans up on
/// cancellation). It never throws: what the body returned or threw is kept in ``outcome`` for the
/// command to read after the group ended; list it with `successTerminationBehavior:
/// .gracefullyShutdownGroup` so that its end ends the group.
package final class CommandJob<Value: Sendable>: Service, CustomStringConvertible, Sendable {
    /// What the body returned or threw, and whether a graceful shutdown cancelled it first.
    package struct Outcome: Sendable {
        package var result: Result<Value, any Error>
        package var interrupted: Bool
    }

    package let description: String
    private let body: @Sendable () async throws -> Value
    private let finished = Mutex<Outcome?>(nil)

    package init(_ name: String, _ body: @escaping @Sendable () async throws -> Value) {
        description = name
        self.body = body
    }

    /// Nil until the body ended (or when the group never ran it).
    package var outcome: Outcome? { finished.withLock { $0 } }

    /// As a service-group entry whose end shuts the group down.
    package var configuration: ServiceGroupConfiguration.ServiceConfiguration {
        .init(service: self, successTerminationBehavior: .gracefullyShutdownGroup)
    }

    package func run() async throws {
        let body = body
        let outcome = await cancelWhenGracefulShutdown {
            let result: Result<Value, any Error>
            do {
                result = .success(try await body())
            } catch {
                result = .failure(error)
            }
            return Outcome(result: result, interrupted: Task.isCancelled)
        }
        finished.withLock { $0 = outcome }
    }
}

/// Keeps something running until graceful shutdown (SIGTERM/SIGINT), then stops it with `stop`.
package struct UntilShutdown: Service, CustomStringConvertible {
    package let description: String
    package let stop: @Sendable () async -> Void

    package init(_ name: String, stop: @escaping @Sendable () async -> Void) {
        description = name
        self.stop = stop
    }

    package func run() async throws {
        try? await gracefulShutdown()
        await stop()
    }
}

/// A running ``PipelineRuntime`` as a service: ends when the runtime ends, and a graceful shutdown
/// shuts the runtime down (stages drain, clients close in order).
package struct RuntimeService: Service, CustomStringConvertible {
    package let runtime: PipelineRuntime

    package var description: String { "pipeline" }

    /// The service of `runtime`.
    package init(runtime: PipelineRuntime) {
        self.runtime = runtime
    }

    package func run() async throws {
        let runtime = runtime
        try await withGracefulShutdownHandler {
            try await runtime.wait()
        } onGracefulShutdown: {
            Task { try? await runtime.shutdown() }
        }
    }
}
