import Synchronization

/// Runs `body`, failing with ``LedgerError/timeout(_:seconds:)`` when it takes longer than `limit`.
/// The body is cancelled on timeout, and the caller gets the timeout **at the deadline** even if the
/// body does not respond to cancellation (a PostgreSQL call on a connection the server dropped mid-way
/// may not): the body is then left to end on its own, its result discarded. A cancelled caller gets
/// `CancellationError` at once the same way.
func withDeadline<T: Sendable>(
    _ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = DeadlineRace<T>()
    let work = Task { race.finish(await deadlineResult(body)) }
    let timer = Task {
        guard (try? await Task.sleep(for: limit)) != nil else { return }
        race.finish(.failure(LedgerError.timeout(what, seconds: limit.seconds)))
    }
    defer {
        timer.cancel()
        work.cancel()
    }
    return try await withTaskCancellationHandler {
        try await race.value()
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The first of the body's result, the timeout and the caller's cancellation.
private final class DeadlineRace<T: Sendable>: Sendable {
    private enum State {
        case waiting(CheckedContinuation<T, any Error>?)
        case done(Result<T, any Error>)
    }

    private let state = Mutex(State.waiting(nil))

    func finish(_ result: Result<T, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<T, any Error>? in
            guard case .waiting(let waiter) = state else { return nil }
            state = .done(result)
            return waiter
        }
        waiter?.resume(with: result)
    }

    func value() async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let done = state.withLock { state -> Result<T, any Error>? in
                switch state {
                case .done(let result): return result
                case .waiting:
                    state = .waiting(continuation)
                    return nil
                }
            }
            if let done { continuation.resume(with: done) }
        }
    }
}

/// The result of `body`, caught.
private func deadlineResult<T: Sendable>(_ body: @Sendable () async throws -> T) async -> Result<T, any Error> {
    do {
        return .success(try await body())
    } catch {
        return .failure(error)
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
