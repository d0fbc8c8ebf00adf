/// Pending sends waiting for their delivery report: a state machine whose methods return actions.
///
/// A send registers ids before enqueueing (the id is the per-message opaque), so a report that
/// arrives before the caller starts waiting is kept until it does. A batch registers a contiguous
/// range of ids and is awaited with one continuation for the whole range (one task resumption per
/// batch, not per record).
struct DeliveryTable {
    typealias Continuation = CheckedContinuation<[DeliveryReport], any Error>

    private enum Entry {
        /// No send (never registered, or forgotten).
        case free
        case enqueued
        case inBatch(UInt)
        case completed(Result<DeliveryReport, KafkaError>)
    }

    /// A range of ids awaited together.
    private struct Batch {
        /// Filled in as reports arrive; every slot holds a real report once `remaining` is 0 and
        /// `firstError` is nil.
        var reports: [DeliveryReport]
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
    /// Entries of ids `firstID ..< nextID`, in id order (ids are handed out contiguously): an
    /// array instead of a dictionary, so a send costs no hashing. The completed prefix is dropped
    /// now and then.
    private var entries = EntryWindow()
    private var batches: [UInt: Batch] = [:]
    /// The batch the previous completion went to (consecutive reports mostly share one); valid
    /// until `batches` changes structurally.
    private var lastBatch: (start: UInt, index: Dictionary<UInt, Batch>.Index)?
    private var pending = 0
    private(set) var isClosed = false

    /// Number of sends without a delivered result yet.
    var pendingCount: Int { pending }

    /// Registers `count` new sends; their ids are contiguous. `nil` once closed.
    mutating func register(count: Int = 1) -> Range<UInt>? {
        guard !isClosed else { return nil }
        let count = UInt(max(count, 0))
        // 2^64 ids: never reached in practice; refuse rather than wrap.
        guard nextID <= UInt.max - count else { return nil }
        let ids = nextID..<(nextID + count)
        nextID += count
        entries.append(.enqueued, count: Int(count))
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
        switch entries[id] {
        case .enqueued, .inBatch: pending -= 1
        case .completed, .free: break
        }
        entries[id] = .free
    }

    /// Records the delivery report of `id`.
    mutating func complete(_ id: UInt, with result: Result<DeliveryReport, KafkaError>) -> Action {
        switch entries[id] {
        case .free, .completed:
            return .none
        case .enqueued:
            pending -= 1
            entries[id] = .completed(result)
            return .none
        case let .inBatch(start):
            pending -= 1
            entries[id] = .free
            // Mutated in place (through the values view): copying the batch out would copy its
            // reports array on every completion.
            let index: Dictionary<UInt, Batch>.Index
            if let lastBatch, lastBatch.start == start {
                index = lastBatch.index
            } else {
                guard let found = batches.index(forKey: start) else { return .none }
                index = found
                lastBatch = (start, found)
            }
            switch result {
            case let .success(report): batches.values[index].reports[Int(id - start)] = report
            case let .failure(error): batches.values[index].firstError = batches.values[index].firstError ?? error
            }
            batches.values[index].remaining -= 1
            guard batches.values[index].remaining == 0 else { return .none }
            let batch = batches.remove(at: index).value
            lastBatch = nil
            return .resume(batch.continuation, Self.outcome(batch))
        }
    }

    /// The caller waits for every id in `ids`; resumes at once if all reports already arrived.
    /// The reports come back in id order; the first failure (by id) fails the whole wait.
    mutating func wait(_ ids: Range<UInt>, continuation: Continuation) -> Action {
        let start = ids.lowerBound
        var batch = Batch(
            reports: Array(repeating: Self.placeholder, count: ids.count), firstError: nil, remaining: 0,
            continuation: continuation)
        for id in ids {
            switch entries[id] {
            case let .completed(result):
                entries[id] = .free
                switch result {
                case let .success(report): batch.reports[Int(id - start)] = report
                case let .failure(error): batch.firstError = batch.firstError ?? error
                }
            case .enqueued:
                entries[id] = .inBatch(start)
                batch.remaining += 1
            case .inBatch, .free:
                batch.firstError = batch.firstError ?? .closed
            }
        }
        if batch.remaining == 0 { return .resume(continuation, Self.outcome(batch)) }
        batches[start] = batch
        lastBatch = nil
        return .none
    }

    private static func outcome(_ batch: Batch) -> Result<[DeliveryReport], KafkaError> {
        if let error = batch.firstError { return .failure(error) }
        return .success(batch.reports)
    }

    private static let placeholder = DeliveryReport(topic: "", partition: -1, offset: -1)

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
        lastBatch = nil
        entries.update { entry in
            switch entry {
            case .inBatch: entry = .free
            case .enqueued: entry = .completed(.failure(error))
            case .completed, .free: break
            }
        }
        pending = 0
        return actions
    }

    /// Entries indexed by id, kept in an array from `base` (the id of element 0) on.
    private struct EntryWindow {
        private var slots: [Entry] = []
        private var base: UInt = 1
        /// Leading slots known to be free.
        private var freePrefix = 0

        mutating func append(_ entry: Entry, count: Int) {
            slots.append(contentsOf: repeatElement(entry, count: count))
        }

        subscript(id: UInt) -> Entry {
            get {
                guard id >= base, id - base < UInt(slots.count) else { return .free }
                return slots[Int(id - base)]
            }
            set {
                guard id >= base, id - base < UInt(slots.count) else { return }
                slots[Int(id - base)] = newValue
                if case .free = newValue, Int(id - base) == freePrefix { compact() }
            }
        }

        mutating func update(_ body: (inout Entry) -> Void) {
            for index in slots.indices { body(&slots[index]) }
        }

        /// Skips the freed prefix; drops it from the array once it is large.
        private mutating func compact() {
            while freePrefix < slots.count, case .free = slots[freePrefix] { freePrefix += 1 }
            if freePrefix == slots.count {
                base += UInt(slots.count)
                slots.removeAll(keepingCapacity: true)
                freePrefix = 0
            } else if freePrefix >= 4096, freePrefix * 2 >= slots.count {
                slots.removeFirst(freePrefix)
                base += UInt(freePrefix)
                freePrefix = 0
            }
        }
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
