/// Pending sends waiting for their delivery report: a state machine whose methods return actions.
///
/// A send registers ids before enqueueing (the id is the per-message opaque), so a report that
/// arrives before the caller starts waiting is kept until it does. A batch registers a contiguous
/// range of ids and is awaited with one continuation for the whole range (one task resumption per
/// batch, not per record).
struct DeliveryTable {
    typealias Continuation = CheckedContinuation<[DeliveryReport], any Error>

    private enum Entry {
        case enqueued
        case inBatch(UInt)
        case completed(Result<DeliveryReport, KafkaError>)
    }

    /// A range of ids awaited together.
    private struct Batch {
        var reports: [DeliveryReport?]
        var firstError: KafkaError?
        var remaining: Int
        let continuation: Continuation
    }

    /// What the caller must do after a transition (outside the lock).
    enum Action {
        case none
        case resume(Continuation, Result<[DeliveryReport], KafkaError>)
    }

    private var nextID: UInt = 1
    private var entries: [UInt: Entry] = [:]
    private var batches: [UInt: Batch] = [:]
    private var pending = 0
    private(set) var isClosed = false

    /// Number of sends without a delivered result yet.
    var pendingCount: Int { pending }

    /// Registers `count` new sends; their ids are contiguous. `nil` once closed.
    mutating func register(count: Int = 1) -> Range<UInt>? {
        guard !isClosed else { return nil }
        let count = UInt(max(count, 0))
        if nextID > UInt.max - count { nextID = 1 }
        let ids = nextID..<(nextID + count)
        nextID += count
        entries.reserveCapacity(entries.count + Int(count))
        for id in ids { entries[id] = .enqueued }
        pending += Int(count)
        return ids
    }

    /// Forgets sends that could not be enqueued.
    mutating func cancel(_ ids: Range<UInt>) {
        for id in ids { forget(id) }
    }

    /// Forgets sends whose results nobody will wait for (their reports are then dropped).
    mutating func abandon(_ ids: Range<UInt>) {
        for id in ids {
            if case .inBatch = entries[id] { continue }
            forget(id)
        }
    }

    private mutating func forget(_ id: UInt) {
        switch entries.removeValue(forKey: id) {
        case .enqueued, .inBatch: pending -= 1
        case .completed, .none: break
        }
    }

    /// Records the delivery report of `id`.
    mutating func complete(_ id: UInt, with result: Result<DeliveryReport, KafkaError>) -> Action {
        switch entries[id] {
        case .none, .completed:
            return .none
        case .enqueued:
            pending -= 1
            entries[id] = .completed(result)
            return .none
        case let .inBatch(start):
            pending -= 1
            entries[id] = nil
            // Mutated in place (through the values view): copying the batch out would copy its
            // reports array on every completion.
            guard let index = batches.index(forKey: start) else { return .none }
            switch result {
            case let .success(report): batches.values[index].reports[Int(id - start)] = report
            case let .failure(error): batches.values[index].firstError = batches.values[index].firstError ?? error
            }
            batches.values[index].remaining -= 1
            guard batches.values[index].remaining == 0 else { return .none }
            let batch = batches.remove(at: index).value
            return .resume(batch.continuation, Self.outcome(batch))
        }
    }

    /// The caller waits for every id in `ids`; resumes at once if all reports already arrived.
    /// The reports come back in id order; the first failure (by id) fails the whole wait.
    mutating func wait(_ ids: Range<UInt>, continuation: Continuation) -> Action {
        let start = ids.lowerBound
        var batch = Batch(
            reports: Array(repeating: nil, count: ids.count), firstError: nil, remaining: 0, continuation: continuation)
        for id in ids {
            switch entries[id] {
            case let .completed(result):
                entries[id] = nil
                switch result {
                case let .success(report): batch.reports[Int(id - start)] = report
                case let .failure(error): batch.firstError = batch.firstError ?? error
                }
            case .enqueued:
                entries[id] = .inBatch(start)
                batch.remaining += 1
            case .inBatch, .none:
                batch.firstError = batch.firstError ?? .closed
            }
        }
        if batch.remaining == 0 { return .resume(continuation, Self.outcome(batch)) }
        batches[start] = batch
        return .none
    }

    private static func outcome(_ batch: Batch) -> Result<[DeliveryReport], KafkaError> {
        if let error = batch.firstError { return .failure(error) }
        return .success(batch.reports.compactMap { $0 })
    }

    /// Stops accepting sends.
    mutating func close() {
        isClosed = true
    }

    /// Fails every send still waiting (after shutdown gave up on them).
    mutating func failAll(with error: KafkaError) -> [Action] {
        var actions: [Action] = []
        for (_, batch) in batches {
            actions.append(.resume(batch.continuation, .failure(batch.firstError ?? error)))
        }
        batches = [:]
        for (id, entry) in entries {
            switch entry {
            case .inBatch: entries[id] = nil
            case .enqueued: entries[id] = .completed(.failure(error))
            case .completed: break
            }
        }
        pending = 0
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
