import Logging
import ServiceLifecycle

/// Writes audit records in batches, off the hot path.
///
/// - `record(_:)` puts a record into a bounded buffer and returns a ticket at once, unless the buffer
///   is full: then it suspends until a write makes room (back-pressure, memory stays bounded).
/// - A background loop writes batches of up to `batchSize`, as soon as one is full or `flushInterval`
///   after the first buffered record, immediately when somebody waits for durability.
/// - ``offer(contentsOf:)`` never waits: what does not fit is dropped and counted (`dropped`), for
///   callers that must not wait on the ledger (a webhook answer; Kafka holds the durable copy).
/// - A failed write is retried with exponential backoff; records stay buffered until written, in
///   order. Nothing accepted is dropped, except by ``shutdown(timeout:)`` when the store stays down
///   past its timeout (it returns how many), and rows the store refuses for good
///   (``LedgerError/rejected(_:reason:)``): the batch is split until they are alone, they are logged
///   and counted (`rejected`), and the rest is written.
/// - Stages that acknowledge Kafka offsets only after their ledger write use
///   ``recordAndWait(_:)`` or ``waitUntilDurable(_:)`` with the ticket.
/// - Call ``shutdown(timeout:)`` when done: it drains the buffer and ends the background loop
///   (which otherwise keeps the writer alive). As a `Service` in a `ServiceGroup`, ``run()`` does
///   that on graceful shutdown: list it before the parts that record, so it closes after them.
public actor AuditWriter: Service {
    private let store: any LedgerStore
    private let configuration: AuditWriterConfiguration
    private let logger: Logger

    /// Records accepted and not yet written, oldest first. The head batch may be being written.
    private var pending: [AuditRecord] = []
    /// Sequence number the next record gets.
    private var nextSequence: UInt64 = 1
    /// Every record with a sequence up to this one is written.
    private var durableSequence: UInt64 = 0
    private var spaceWaiters: [CheckedContinuation<Void, any Error>] = []
    private var durabilityWaiters: [(sequence: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var wakeup: CheckedContinuation<Void, Never>?
    private var timer: Task<Void, Never>?
    private var loop: Task<Void, Never>?
    /// Open → closing → stopped (``AuditWriterLifecycle``).
    private var lifecycle = AuditWriterLifecycle.open
    private var statistics = AuditWriterStatistics(
        buffered: 0, highWaterMark: 0, written: 0, batches: 0, failedAttempts: 0, backPressureWaits: 0, lastError: nil)

    public init(
        store: any LedgerStore, configuration: AuditWriterConfiguration = .init(),
        logger: Logger = Logger(label: "driftless.ledger.writer")
    ) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// Current counters.
    public var stats: AuditWriterStatistics {
        var copy = statistics
        copy.buffered = pending.count
        return copy
    }

    /// Accepts a record for writing; suspends while the buffer is full.
    /// Throws ``LedgerError/closed(_:)`` once the writer is shutting down.
    @discardableResult
    public func record(_ record: AuditRecord) async throws -> AuditTicket {
        var waited = false
        while pending.count >= configuration.capacity {
            if !lifecycle.accepts { throw LedgerError.closed(store.location) }
            if !waited {
                statistics.backPressureWaits += 1
                waited = true
            }
            startLoopIfNeeded()
            try await withCheckedThrowingContinuation {
                spaceWaiters.append($0)
                wake()
            }
        }
        if !lifecycle.accepts { throw LedgerError.closed(store.location) }
        return accept(CollectionOfOne(record))
    }

    /// Accepts several records, in order.
    @discardableResult
    public func record(contentsOf records: [AuditRecord]) async throws -> AuditTicket? {
        guard !records.isEmpty else { return nil }
        // Room for all of them (the usual case): one append instead of one call per record.
        if lifecycle.accepts, pending.count + records.count <= configuration.capacity { return accept(records) }
        var last: AuditTicket?
        for record in records { last = try await self.record(record) }
        return last
    }

    /// Accepts as many of `records` as fit without waiting, in order; the rest is dropped and counted
    /// in `dropped` (logged on the first drop and every 1000th). Returns how many were accepted.
    @discardableResult
    public func offer(contentsOf records: [AuditRecord]) -> Int {
        guard !records.isEmpty else { return 0 }
        let room = !lifecycle.accepts ? 0 : max(0, configuration.capacity - pending.count)
        let taken = min(room, records.count)
        if taken > 0 { _ = accept(records.prefix(taken)) }
        let lost = records.count - taken
        if lost > 0 {
            if statistics.dropped == 0 || statistics.dropped / 1000 != (statistics.dropped + lost) / 1000 {
                logger.warning(
                    "audit buffer full: records dropped rather than waiting on the ledger",
                    metadata: [
                        "dropped-total": "\(statistics.dropped + lost)", "location": "\(store.location)",
                        "error": "\(statistics.lastError ?? "")",
                    ])
            }
            statistics.dropped += lost
        }
        return taken
    }

    /// Buffers `records` (there is room and the writer is open); returns the ticket of the last one.
    private func accept(_ records: some Collection<AuditRecord>) -> AuditTicket {
        let wasEmpty = pending.isEmpty
        pending.append(contentsOf: records)
        statistics.highWaterMark = max(statistics.highWaterMark, pending.count)
        nextSequence += UInt64(records.count)
        startLoopIfNeeded()
        if wasEmpty || pending.count >= configuration.batchSize { wake() }
        return AuditTicket(sequence: nextSequence - 1)
    }

    /// Records and returns once the record is in the store.
    public func recordAndWait(_ record: AuditRecord) async throws {
        try await waitUntilDurable(try await self.record(record))
    }

    /// Returns once the ticket's record (and all before it) is in the store.
    public func waitUntilDurable(_ ticket: AuditTicket) async throws {
        if ticket.sequence <= durableSequence { return }
        if lifecycle.isStopped { throw LedgerError.closed(store.location) }
        startLoopIfNeeded()
        try await withCheckedThrowingContinuation { continuation in
            durabilityWaiters.append((ticket.sequence, continuation))
            wake()
        }
    }

    /// Returns once everything recorded before the call is in the store (waits through outages).
    public func flush() async throws {
        guard nextSequence > 1 else { return }
        try await waitUntilDurable(AuditTicket(sequence: nextSequence - 1))
    }

    /// Stops accepting records, writes what is buffered and stops the loop. If the store is still
    /// failing after `timeout`, gives up and returns how many records were not written (logged as an
    /// error). A second shutdown while the first drains joins it; after the writer stopped it does
    /// nothing and returns how many records were left.
    @discardableResult
    public func shutdown(timeout: Duration = .seconds(30)) async -> Int {
        switch lifecycle.beginShutdown() {
        case .none:
            return pending.count
        case .drain(let first):
            if first {
                let waiters = spaceWaiters
                spaceWaiters.removeAll()
                for waiter in waiters { waiter.resume(throwing: LedgerError.closed(store.location)) }
            }
        }
        if !pending.isEmpty {
            startLoopIfNeeded()
            let deadline = Task { [weak self] in
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                await self?.stop()
            }
            try? await flush()
            deadline.cancel()
        }
        stop()
        await loop?.value
        loop = nil
        let lost = pending.count
        if lost > 0 {
            logger.error(
                "audit writer shut down with unwritten records",
                metadata: [
                    "records": "\(lost)", "location": "\(store.location)", "error": "\(statistics.lastError ?? "")",
                ])
        }
        return lost
    }

    /// Runs until graceful shutdown, then ``shutdown(timeout:)`` with the configured
    /// ``AuditWriterConfiguration/shutdownTimeout``. Cancelled (the group is cancelled, not shut down
    /// gracefully) it returns without shutting down, so parts still draining can record; the owner
    /// shuts it down afterwards.
    nonisolated public func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return
        }
        await shutdown(timeout: configuration.shutdownTimeout)
    }

    // MARK: Loop

    private func stop() {
        guard lifecycle.stop() == .stopLoop else { return }
        loop?.cancel()
        wake()
        let waiters = durabilityWaiters
        durabilityWaiters.removeAll()
        for waiter in waiters { waiter.continuation.resume(throwing: LedgerError.closed(store.location)) }
    }

    private func startLoopIfNeeded() {
        guard loop == nil, !lifecycle.isStopped else { return }
        loop = Task { await self.writeLoop() }
    }

    private var isUrgent: Bool { !durabilityWaiters.isEmpty || !spaceWaiters.isEmpty || !lifecycle.accepts }

    private func writeLoop() async {
        while !lifecycle.isStopped {
            if pending.isEmpty {
                if !lifecycle.accepts { return }
                await sleepUntilWoken(timeout: nil)
                continue
            }
            if pending.count < configuration.batchSize && !isUrgent {
                await sleepUntilWoken(timeout: configuration.flushInterval)
                if lifecycle.isStopped { return }
            }
            await writeHeadBatch()
        }
    }

    /// Writes the oldest batch, retrying until it succeeds or the writer is stopped. Rows the store
    /// refuses for good are split out (see ``writeIsolatingRejected(_:)``) instead of retried.
    private func writeHeadBatch() async {
        let batch = Array(pending.prefix(configuration.batchSize))
        guard !batch.isEmpty else { return }
        var attempt = 0
        var settled = 0
        let rejectedBefore = statistics.rejected
        func settle(_ count: Int) { release(count, rejected: statistics.rejected - rejectedBefore) }
        while true {
            do {
                try await store.append(Array(batch[settled...]))
                settled = batch.count
                break
            } catch let error as LedgerError where Self.isRejection(error) {
                settled += await writeIsolatingRejected(batch[settled...])
                if settled == batch.count { break }
                attempt += 1
                statistics.failedAttempts += 1
                if lifecycle.isStopped { return settle(settled) }
                try? await Task.sleep(for: configuration.backoff(attempt: attempt))
                if lifecycle.isStopped { return settle(settled) }
            } catch {
                attempt += 1
                statistics.failedAttempts += 1
                statistics.lastError = "\(error)"
                if attempt == 1 || attempt.isMultiple(of: 20) {
                    logger.warning(
                        "audit write failed; keeping records and retrying",
                        metadata: [
                            "attempt": "\(attempt)", "records": "\(pending.count)", "error": "\(error)",
                        ])
                }
                if lifecycle.isStopped { return settle(settled) }
                try? await Task.sleep(for: configuration.backoff(attempt: attempt))
                if lifecycle.isStopped { return settle(settled) }
            }
        }
        statistics.batches += 1
        statistics.lastError = nil
        settle(settled)
    }

    private static func isRejection(_ error: LedgerError) -> Bool {
        if case .rejected = error { return true }
        return false
    }

    /// Writes `rows` in halves until each refused row is alone; drops (logs, counts) those. Returns
    /// how many leading rows are settled (written or dropped) before a failure of another kind,
    /// which leaves the rest to the retry loop.
    private func writeIsolatingRejected(_ rows: ArraySlice<AuditRecord>) async -> Int {
        if rows.count == 1, let row = rows.first {
            do {
                try await store.append([row])
            } catch let error as LedgerError where Self.isRejection(error) {
                statistics.rejected += 1
                logger.error(
                    "audit row refused by the ledger; dropped",
                    metadata: [
                        "order": "\(row.orderKey.prefix(80))", "event-id": "\(row.eventID.prefix(80))",
                        "hop": "\(row.hop.rawValue)", "error": "\(error)", "rejected-total": "\(statistics.rejected)",
                    ])
            } catch {
                statistics.lastError = "\(error)"
                return 0
            }
            return 1
        }
        let middle = rows.startIndex + rows.count / 2
        for half in [rows[..<middle], rows[middle...]] {
            do {
                try await store.append(Array(half))
            } catch let error as LedgerError where Self.isRejection(error) {
                let settled = await writeIsolatingRejected(half)
                if settled < half.count { return half.startIndex - rows.startIndex + settled }
                continue
            } catch {
                statistics.lastError = "\(error)"
                return half.startIndex - rows.startIndex
            }
        }
        return rows.count
    }

    /// The first `count` buffered records are settled (`rejected` of them dropped): remove them and resume whoever waits on them.
    private func release(_ count: Int, rejected: Int) {
        guard count > 0 else { return }
        pending.removeFirst(count)
        durableSequence += UInt64(count)
        statistics.written += count - rejected
        let ready = durabilityWaiters.filter { $0.sequence <= durableSequence }
        durabilityWaiters.removeAll { $0.sequence <= durableSequence }
        for waiter in ready { waiter.continuation.resume() }
        let space = spaceWaiters
        spaceWaiters.removeAll()
        for waiter in space { waiter.resume() }
    }

    private func sleepUntilWoken(timeout: Duration?) async {
        await withCheckedContinuation { continuation in
            wakeup = continuation
            if let timeout {
                timer = Task { [weak self] in
                    guard (try? await Task.sleep(for: timeout)) != nil else { return }
                    await self?.wake()
                }
            }
        }
        timer?.cancel()
        timer = nil
    }

    private func wake() {
        guard let continuation = wakeup else { return }
        wakeup = nil
        continuation.resume()
    }
}
