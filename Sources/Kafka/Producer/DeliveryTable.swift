/// Pending sends waiting for their delivery report: a state machine whose methods return actions.
///
/// A send registers an id before enqueueing (the id is the per-message opaque), so a report that
/// arrives before the caller starts waiting is kept until it does.
struct DeliveryTable {
    typealias Continuation = CheckedContinuation<DeliveryReport, any Error>

    private enum Entry {
        case enqueued
        case waiting(Continuation)
        case completed(Result<DeliveryReport, KafkaError>)
    }

    /// What the caller must do after a transition (outside the lock).
    enum Action {
        case none
        case resume(Continuation, Result<DeliveryReport, KafkaError>)
    }

    private var nextID: UInt = 1
    private var entries: [UInt: Entry] = [:]
    private(set) var isClosed = false

    /// Number of sends without a delivered result yet.
    var pendingCount: Int {
        entries.values.reduce(0) { count, entry in
            if case .completed = entry { return count }
            return count + 1
        }
    }

    /// Registers a new send; `nil` once closed.
    mutating func register() -> UInt? {
        guard !isClosed else { return nil }
        let id = nextID
        nextID &+= 1
        if nextID == 0 { nextID = 1 }
        entries[id] = .enqueued
        return id
    }

    /// Forgets a send that could not be enqueued.
    mutating func cancel(_ id: UInt) {
        entries[id] = nil
    }

    /// Records the delivery report of `id`.
    mutating func complete(_ id: UInt, with result: Result<DeliveryReport, KafkaError>) -> Action {
        switch entries[id] {
        case .none, .completed:
            return .none
        case .enqueued:
            entries[id] = .completed(result)
            return .none
        case let .waiting(continuation):
            entries[id] = nil
            return .resume(continuation, result)
        }
    }

    /// The caller waits for `id`; resumes at once if its report already arrived.
    mutating func wait(_ id: UInt, continuation: Continuation) -> Action {
        switch entries[id] {
        case let .completed(result):
            entries[id] = nil
            return .resume(continuation, result)
        case .enqueued:
            entries[id] = .waiting(continuation)
            return .none
        case .waiting, .none:
            return .resume(continuation, .failure(.closed))
        }
    }

    /// Stops accepting sends.
    mutating func close() {
        isClosed = true
    }

    /// Fails every send still waiting (after shutdown gave up on them).
    mutating func failAll(with error: KafkaError) -> [Action] {
        var actions: [Action] = []
        for (id, entry) in entries {
            switch entry {
            case let .waiting(continuation):
                actions.append(.resume(continuation, .failure(error)))
                entries[id] = nil
            case .enqueued:
                entries[id] = .completed(.failure(error))
            case .completed:
                break
            }
        }
        return actions
    }
}

extension DeliveryTable.Action {
    /// Performs the action; call outside any lock.
    func run() {
        if case let .resume(continuation, result) = self {
            continuation.resume(with: result.mapError { $0 as any Error })
        }
    }
}
