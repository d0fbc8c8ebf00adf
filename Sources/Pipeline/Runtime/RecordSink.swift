import Kafka
import Synchronization

/// Where a stage sends records: a `KafkaProducer` in production; the seam lets tests and the
/// benchmark wrap it (e.g. to count or to fail).
public protocol RecordSink: Sendable {
    /// Sends `record` and returns once the broker acknowledged it.
    func send(_ record: ProducerRecord) async throws -> DeliveryReport
    /// Sends `records` in order (one partition keeps this order) and returns once all are acknowledged.
    func send(_ records: [ProducerRecord]) async throws -> [DeliveryReport]
    /// Hands `records` to the producer in order and returns before the broker acknowledged them
    /// (their order relative to earlier enqueues is fixed when this returns); await
    /// ``PendingSend/reports()`` for the acks. The default sends in a task (order across calls is
    /// then not fixed — fine for test sinks).
    func enqueue(_ records: [ProducerRecord]) async throws -> PendingSend
}

extension RecordSink {
    public func enqueue(_ records: [ProducerRecord]) async throws -> PendingSend {
        let task = Task { try await self.send(records) }
        return PendingSend { try await task.value }
    }
}

extension KafkaProducer: RecordSink {
    public func enqueue(_ records: [ProducerRecord]) async throws -> PendingSend {
        let pending: KafkaPendingDeliveries = try await enqueue(records)
        return PendingSend { try await pending.reports() }
    }
}

/// Records enqueued by ``RecordSink/enqueue(_:)`` whose acknowledgements are still to be awaited.
public struct PendingSend: Sendable {
    private let wait: @Sendable () async throws -> [DeliveryReport]

    public init(_ wait: @escaping @Sendable () async throws -> [DeliveryReport]) {
        self.wait = wait
    }

    /// Waits for every record's ack (call once); throws the first failure after all have a result.
    public func reports() async throws -> [DeliveryReport] {
        try await wait()
    }
}

/// Why a send did not complete.
public enum SendTimeoutError: Error, Equatable, CustomStringConvertible {
    /// No delivery report within the budget.
    case timedOut(Duration)

    public var description: String {
        switch self {
        case .timedOut(let budget): "no delivery report within \(budget)"
        }
    }
}

extension RecordSink {
    /// Sends `record`, giving up waiting after `timeout`. At the deadline the send task is
    /// cancelled: a send still waiting for room in the producer's queue (`QUEUE_FULL`) gives up
    /// then; a record already handed to librdkafka may still be delivered later (downstream dedupes
    /// by event id), but the caller is free. `settled` runs once the send task itself has finished
    /// (delivered, failed or given up) — after the caller returned, when it timed out — so a caller
    /// can bound how many sends are outstanding.
    public func send(
        _ record: ProducerRecord, timeout: Duration, settled: @escaping @Sendable () -> Void = {}
    ) async throws -> DeliveryReport {
        let race = ResumeOnce<DeliveryReport>()
        return try await withCheckedThrowingContinuation { continuation in
            race.install(continuation)
            let send = Task {
                defer { settled() }
                do {
                    race.resume(with: .success(try await self.send(record)))
                } catch {
                    race.resume(with: .failure(error))
                }
            }
            let timer = Task {
                try? await Task.sleep(for: timeout)
                if !Task.isCancelled {
                    race.resume(with: .failure(SendTimeoutError.timedOut(timeout)))
                    send.cancel()
                }
            }
            race.onResume { timer.cancel() }
        }
    }
}

/// Resumes a continuation exactly once, whichever racer comes first.
final class ResumeOnce<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var result: Result<Value, any Error>?
        var cleanup: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    func install(_ continuation: CheckedContinuation<Value, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func onResume(_ cleanup: @escaping @Sendable () -> Void) {
        let done = state.withLock { state -> Bool in
            if state.result != nil { return true }
            state.cleanup = cleanup
            return false
        }
        if done { cleanup() }
    }

    func resume(with result: Result<Value, any Error>) {
        let (continuation, cleanup) = state.withLock {
            state -> (CheckedContinuation<Value, any Error>?, (@Sendable () -> Void)?) in
            guard state.result == nil else { return (nil, nil) }
            state.result = result
            defer {
                state.continuation = nil
                state.cleanup = nil
            }
            return (state.continuation, state.cleanup)
        }
        continuation?.resume(with: result)
        cleanup?()
    }
}
