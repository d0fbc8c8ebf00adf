import Foundation
import Kafka
import Logging
import ServiceLifecycle
import Synchronization

/// Drives one consumer through a batch handler, handing it one batch (at most `maxBatchSize`) at a
/// time; the handler (a ``StageRunner``) keeps its own bounded window of batches in flight. While
/// the handler is busy the consumer's bounded buffer fills and back-pressure holds partitions back.
///
/// Stopping (``requestStop()`` or graceful shutdown) lets the batch in hand finish, then closes the
/// consumer, which commits acknowledged offsets and leaves the group.
public final class StageLoop: Sendable {
    private struct State {
        var stopping = false
        var busy = false
        var task: Task<Void, Never>?
    }

    private let consumer: KafkaConsumer
    private let name: String
    private let state = Mutex(State())
    private let logger: Logger

    public init(name: String, consumer: KafkaConsumer, logger: Logger) {
        self.name = name
        self.consumer = consumer
        self.logger = logger
    }

    /// Whether a stop was requested.
    public var isStopping: Bool { state.withLock { $0.stopping } }

    /// Runs `handler` on every batch until stopped; then closes the consumer. The handler must
    /// acknowledge what it finished; it should give up (without acknowledging) when `isStopping`.
    /// `drain` runs after the last batch, before the consumer closes (to finish work a handler left
    /// in flight).
    public func run(
        _ handler: @escaping @Sendable ([KafkaMessage]) async -> Void,
        drain: @escaping @Sendable () async -> Void = {}
    ) async {
        let task = Task {
            for await batch in self.consumer.messages {
                let proceed = self.state.withLock { state -> Bool in
                    guard !state.stopping else { return false }
                    state.busy = true
                    return true
                }
                guard proceed else { break }
                await handler(batch)
                let stop = self.state.withLock { state -> Bool in
                    state.busy = false
                    return state.stopping
                }
                if stop { break }
            }
            await drain()
        }
        let stopNow = state.withLock { state -> Bool in
            state.task = task
            return state.stopping
        }
        if stopNow { task.cancel() }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await task.value
            } onGracefulShutdown: {
                self.requestStop()
            }
        } onCancel: {
            self.requestStop()
        }
        logger.info("stage stopping: committing and leaving the group", metadata: ["stage": "\(name)"])
        await consumer.close()
    }

    /// Asks the loop to stop after the batch in hand (immediately when idle).
    public func requestStop() {
        let idleTask = state.withLock { state -> Task<Void, Never>? in
            state.stopping = true
            return state.busy ? nil : state.task
        }
        idleTask?.cancel()
    }
}

/// Retries `operation` with exponential back-off (10 ms … 2 s) until it succeeds or `shouldStop`.
/// Returns nil when it gave up because of a stop, or because of a fatal Kafka error (no retry can
/// succeed; ``FatalErrorWatch`` stops the process).
func retryUntilStopped<T: Sendable>(
    _ what: String, logger: Logger, shouldStop: @Sendable () -> Bool,
    _ operation: () async throws -> T
) async -> T? {
    var delay: Duration = .milliseconds(10)
    while true {
        do {
            return try await operation()
        } catch {
            if shouldStop() { return nil }
            if let kafka = error as? KafkaError, kafka.isFatal {
                logger.error(
                    "\(what) failed with a fatal Kafka error; giving up the batch", metadata: ["error": "\(kafka)"])
                return nil
            }
            logger.warning("\(what) failed; retrying", metadata: ["error": "\(error)", "retry-in": "\(delay)"])
            try? await Task.sleep(for: delay)
            if shouldStop() { return nil }
            delay = min(delay * 2, .seconds(2))
        }
    }
}
