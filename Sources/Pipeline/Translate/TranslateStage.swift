import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Synchronization

/// The translate stage: consumer group `<p>.translate` on `<p>.validated`; applies each event to
/// the order's state with `OrderStateMachine` and emits `CanonicalEvent`s to `<p>.canonical`.
///
/// Per batch: take each record's observation from the `dl-observation` header validate added (the
/// payload is parsed again only without it) → load from the ledger the states of the batch's
/// orders that no batch in flight has planned → plan on those states overridden by the **overlay**
/// (states planned by batches in flight, not saved yet) → enqueue the canonical and quarantine
/// records (the producer fixes their order here) → in the background: await their acks → save the
/// states (one transaction, see `StateSaver`; saves strictly in batch order) → queue audit rows →
/// acknowledge the offsets. Up to `maxInFlight` batches are in flight; batch N+1 is planned while
/// N's sends and save are under way.
///
/// State rows are saved only-if-newer with versions growing by one per applied event, so a
/// concurrent replica (during a rebalance) cannot apply the same version twice: rows the ledger
/// refuses were applied by the other replica and are audited as duplicates, never as `translated`.
/// On a rebalance the stage first finishes what is in flight, then drops the overlay. If a batch
/// gives up (stop during a failure), every later batch gives up too (nothing saved, nothing
/// acknowledged): a later save must never skip an unsaved version.
///
/// A canonical record the broker will never accept (e.g. too large) is quarantined with the reason
/// and audited as `quarantined`/`undeliverable` (the state change itself is saved).
public final class TranslateStage: Sendable {
    private struct Flight: Sendable {
        /// Planned, unsaved states of batches in flight.
        var overlay: [String: TranslatePlanner.Planned] = [:]
        /// Batches in flight, oldest first; each returns whether it saved and acknowledged.
        var tasks: [Task<Bool, Never>] = []
        /// The newest batch (the next one saves after it).
        var tail: Task<Bool, Never>?
        /// Assignments + revocations when the overlay was started.
        var generation = 0
    }

    private let planner: TranslatePlanner
    private let ledger: any LedgerStore
    private let saver: StateSaver
    private let audit: any AuditSink
    private let input: StageConsumer
    private let delivery: BatchDelivery
    private let topics: PipelineTopics
    private let replica: String
    private let logger: Logger
    private let maxInFlight: Int
    private let flight = Mutex(Flight())
    /// What the stage did so far.
    public let counters = StageCounters()

    /// Creates the stage and its consumer (joins the group in the background). `maxInFlight`:
    /// batches whose sends/saves may be under way at once.
    public init(
        kafka: KafkaConfig, topics: PipelineTopics, matrix: MappingMatrix, sink: any RecordSink,
        ledger: any LedgerStore, audit: any AuditSink, replica: String = "translate-0",
        options: KafkaConsumerOptions = .init(), maxInFlight: Int = 3,
        logger: Logger = Logger(label: "driftless.translate")
    ) throws {
        let input = try StageConsumer(
            stage: .translate, kafka: kafka, topics: topics, input: topics.validated, options: options, logger: logger)
        self.input = input
        planner = TranslatePlanner(decoder: ObservationDecoder(matrix: matrix), topics: topics, replica: replica)
        delivery = BatchDelivery(sink: sink, logger: logger, what: "translate produce", shouldStop: { input.isStopping })
        self.ledger = ledger
        saver = StateSaver(ledger: ledger, logger: logger)
        self.audit = audit
        self.topics = topics
        self.replica = replica
        self.maxInFlight = max(1, maxInFlight)
        self.logger = logger
    }

    /// Runs until stopped (``stop()`` or graceful shutdown); batches in flight are finished.
    public func run() async {
        await input.run({ batch in await self.handle(batch) }, drain: { await self.finishInFlight() })
    }

    /// The consumer's counters (buffer, back-pressure pauses, rebalances).
    public var consumerStatistics: KafkaConsumerStatistics { input.statistics }

    /// Stops after the batch in hand.
    public func stop() {
        input.stop()
    }

    private func handle(_ batch: [KafkaMessage]) async {
        let t0 = StageTrace.enabled ? StageTrace.now() : 0
        let decoded = await decode(batch)
        let statistics = input.statistics
        let generation = statistics.assignments + statistics.revocations
        if flight.withLock({ $0.generation != generation }) {
            // Partitions moved: what another replica did is only in the ledger.
            await finishInFlight()
            flight.withLock {
                $0.overlay = [:]
                $0.generation = generation
            }
        }
        let overlay = flight.withLock { $0.overlay }
        var keys: Set<String> = []
        for case .success(let (_, observation)) in decoded {
            let key = observation.key.description
            if overlay[key] == nil { keys.insert(key) }
        }
        let orderKeys = Array(keys)
        let loaded = await retryUntilStopped("translate state load", logger: logger, shouldStop: { self.input.isStopping }) {
            try await self.ledger.loadStates(orders: orderKeys)
        }
        guard let rows = loaded, !input.isStopping else { return }
        var states: [String: OrderStateRecord] = [:]
        for row in rows where row.system == OrderKey(row.orderKey)?.channel.rawValue {
            states[row.orderKey] = row
        }
        let t1 = StageTrace.enabled ? StageTrace.now() : 0
        let plan = planner.plan(batch, decoded: decoded, states: states, overlay: overlay)
        let t2 = StageTrace.enabled ? StageTrace.now() : 0
        let started = await delivery.start(plan.records)
        StageTrace.log("translate \(batch.count): decode+load \(Int(t1 - t0)) ms (\(orderKeys.count) loaded), plan \(Int(t2 - t1)) ms, enqueue \(Int(StageTrace.now() - t2)) ms")
        let oldest = flight.withLock { flight -> Task<Bool, Never>? in
            flight.overlay.merge(plan.latest) { _, new in new }
            let previous = flight.tail
            let task = Task { await self.finish(batch, plan, started, after: previous) }
            flight.tail = task
            flight.tasks.append(task)
            return flight.tasks.count > maxInFlight ? flight.tasks.removeFirst() : nil
        }
        _ = await oldest?.value
    }

    /// Each record's envelope and observation (from `dl-observation`, else the payload); a large
    /// batch is split into one slice per core, decoded concurrently.
    private func decode(_ batch: [KafkaMessage]) async -> [Result<(Envelope, ChannelObservation), StageRejection>] {
        let decoder = planner.decoder
        @Sendable func one(_ message: KafkaMessage) -> Result<(Envelope, ChannelObservation), StageRejection> {
            Result { () throws(StageRejection) in try decoder.decodeValidated(message) }
        }
        let slices = min(ProcessInfo.processInfo.activeProcessorCount, batch.count / 128)
        guard slices > 1 else { return batch.map(one) }
        let size = (batch.count + slices - 1) / slices
        return await withTaskGroup(of: (Int, [Result<(Envelope, ChannelObservation), StageRejection>]).self) { group in
            for start in stride(from: 0, to: batch.count, by: size) {
                let slice = batch[start..<min(start + size, batch.count)]
                group.addTask { (start, slice.map(one)) }
            }
            var parts: [(Int, [Result<(Envelope, ChannelObservation), StageRejection>])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    /// Waits for every batch in flight.
    private func finishInFlight() async {
        let tasks = flight.withLock { flight -> [Task<Bool, Never>] in
            defer { flight.tasks = [] }
            return flight.tasks
        }
        for task in tasks { _ = await task.value }
    }

    /// Acks → quarantine of undeliverable records → save (after the previous batch's) → audit →
    /// acknowledge. Returns whether the batch was saved and acknowledged.
    private func finish(
        _ batch: [KafkaMessage], _ plan: TranslatePlanner.Plan, _ started: Result<PendingSend, any Error>,
        after previous: Task<Bool, Never>?
    ) async -> Bool {
        let t0 = StageTrace.enabled ? StageTrace.now() : 0
        let refused = await delivery.complete(plan.records, started)
        let t1 = StageTrace.enabled ? StageTrace.now() : 0
        let previousDone = await previous?.value ?? true
        let t2 = StageTrace.enabled ? StageTrace.now() : 0
        guard previousDone, let refused else { return giveUp() }
        guard let quarantined = await delivery.quarantine(
            refused, source: { batch[plan.sources[$0]] }, stage: .translate, topics: topics, replica: replica)
        else { return giveUp() }
        let undeliverable = quarantined.map(\.output.audit)
        var attempts = 0
        let saved = await retryUntilStopped("translate state save", logger: logger, shouldStop: { self.input.isStopping }) {
            attempts += 1
            return try await self.saver.save(plan.saves)
        }
        guard let elsewhere = saved else { return giveUp() }
        let t3 = StageTrace.enabled ? StageTrace.now() : 0
        flight.withLock { flight in
            for (key, planned) in plan.latest where flight.overlay[key]?.version == planned.version {
                flight.overlay[key] = nil
            }
        }
        var rows = plan.otherAudit + undeliverable
        for (key, applied) in plan.appliedAudit {
            let foreign = elsewhere[key] ?? 0
            for (index, var row) in applied.enumerated() {
                if index < foreign {
                    row.hop = .duplicate
                    row.reason = "applied-by-other-replica"
                }
                rows.append(row)
            }
        }
        await audit.record(rows)
        input.acknowledge(batch)
        StageTrace.log("translate \(batch.count): acks \(Int(t1 - t0)) ms, previous \(Int(t2 - t1)) ms, save \(Int(t3 - t2)) ms, audit \(Int(StageTrace.now() - t3)) ms")
        let foreignTotal = elsewhere.values.reduce(0, +)
        counters.update {
            $0.batches += 1
            $0.retries += attempts - 1
            $0.consumed += batch.count
            $0.produced += plan.translated - undeliverable.count
            $0.translated += plan.translated
            $0.unchanged += plan.unchanged
            $0.stale += plan.stale
            $0.duplicates += plan.duplicates
            $0.illegal += plan.illegal
            $0.quarantined += plan.quarantined + undeliverable.count
            $0.appliedElsewhere += foreignTotal
        }
        return true
    }

    /// A batch gave up (the stage is stopping): nothing saved or acknowledged; later batches give up
    /// too, and the overlay is dropped.
    private func giveUp() -> Bool {
        flight.withLock { $0.overlay = [:] }
        return false
    }
}
