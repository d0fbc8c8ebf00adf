import Kafka
import Logging

/// The skeleton every stage runs on: consume a batch → the logic's plan (pure) → its effect step
/// (an effect stage's writes; a transform has none) → enqueue the outputs → (in the background, in
/// batch order) await their acks → quarantine what the broker refuses for good → the logic's
/// settle → audit → acknowledge the offsets.
///
/// The runner is an actor and its inbox is a batch: the consumer loop hands it one batch at a time,
/// so actor hops happen per batch, never per record. Up to `maxInFlight` batches are between
/// enqueue and acknowledgement at once (the producer fixes their order at enqueue, so per-key
/// order holds across batches); batch N+1 is planned while N's acks are awaited. Batches settle
/// strictly in order, and once one gives up (a stop during a failure) every later one gives up
/// too, so nothing after an unsettled batch is acknowledged. When partitions move (an assignment
/// or revocation) the runner first finishes what is in flight, then resets the logic. Stopping
/// finishes the batches in flight; the consumer then commits and leaves the group.
actor StageRunner<Logic: StageLogic> {
    private let logic: Logic
    private let input: StageConsumer
    private let delivery: BatchDelivery
    private let audit: any AuditSink
    private let context: StageContext
    private let counters: StageCounters
    private let maxInFlight: Int
    /// Batches enqueued and not settled yet, oldest first; each returns whether it settled.
    private var inFlight: [Task<Bool, Never>] = []
    /// The newest batch: the next one settles after it.
    private var tail: Task<Bool, Never>?
    /// Assignments + revocations seen when the logic's state was last valid.
    private var generation = 0

    init(
        logic: Logic, stage: StageName, input: StageConsumer, sink: any RecordSink, audit: any AuditSink,
        topics: PipelineTopics, replica: String, counters: StageCounters, maxInFlight: Int, logger: Logger
    ) {
        self.logic = logic
        self.input = input
        self.audit = audit
        self.counters = counters
        self.maxInFlight = max(1, maxInFlight)
        let delivery = BatchDelivery(
            sink: sink, logger: logger, what: "\(stage.rawValue) produce", shouldStop: { input.isStopping })
        self.delivery = delivery
        context = StageContext(
            stage: stage, topics: topics, replica: replica, logger: logger, isStopping: { input.isStopping },
            delivery: delivery)
    }

    /// Runs until stopped (``StageConsumer/stop()`` or graceful shutdown); batches in flight are finished.
    nonisolated func run() async {
        await input.run({ batch in await self.handle(batch) }, drain: { await self.finishInFlight() })
    }

    private func handle(_ batch: [KafkaMessage]) async {
        let statistics = input.statistics
        let current = statistics.assignments + statistics.revocations
        if current != generation {
            // Partitions moved: what another replica did is only in the ledger.
            await finishInFlight()
            await logic.reset()
            generation = current
        }
        let t0 = StageTrace.enabled ? StageTrace.now() : 0
        // A plan made while stopping is dropped (nothing happened yet); an outcome is settled even
        // then (its effects happened and are audited and acknowledged).
        guard let plan = await logic.plan(batch, context: context), !input.isStopping,
            let outcome = await logic.perform(plan, batch, context: context)
        else { return }
        let outputs = logic.outputs(outcome)
        let t1 = StageTrace.enabled ? StageTrace.now() : 0
        let started = await delivery.start(outputs.records)
        StageTrace.log(
            "\(context.stage.rawValue) \(batch.count): plan+perform \(Int(t1 - t0)) ms, "
                + "enqueue \(Int(StageTrace.now() - t1)) ms"
        )
        let previous = tail
        let task = Task { await self.finish(batch, outcome, outputs, started, after: previous) }
        tail = task
        inFlight.append(task)
        if inFlight.count > maxInFlight { _ = await inFlight.removeFirst().value }
    }

    /// Waits for every batch in flight.
    private func finishInFlight() async {
        let tasks = inFlight
        inFlight = []
        for task in tasks { _ = await task.value }
    }

    /// Acks → quarantine of refused records → (after the previous batch) settle → audit →
    /// acknowledge. Returns whether the batch settled.
    private func finish(
        _ batch: [KafkaMessage], _ outcome: Logic.Outcome, _ outputs: StageOutputs,
        _ started: Result<PendingSend, any Error>,
        after previous: Task<Bool, Never>?
    ) async -> Bool {
        let t0 = StageTrace.enabled ? StageTrace.now() : 0
        let delivered = await delivery.complete(outputs.records, started)
        let previousSettled = await previous?.value ?? true
        guard previousSettled, case .delivered(let refused) = delivered else { return await giveUp() }
        let replacement = await delivery.quarantine(
            refused, source: { batch[outputs.sources[$0]] }, stage: context.stage, topics: context.topics,
            replica: context.replica)
        guard case .replaced(let undeliverable) = replacement else { return await giveUp() }
        switch await logic.settle(batch, outcome, undeliverable: undeliverable, context: context) {
        case .gaveUp:
            return await giveUp()
        case .settled(let rows, var counts, let unfinished):
            await audit.record(rows)
            if unfinished.isEmpty {
                input.acknowledge(batch)
            } else {
                input.acknowledge(batch.indices.lazy.filter { !unfinished.contains($0) }.map { batch[$0] })
            }
            counts.batches += 1
            counts.consumed += batch.count - unfinished.count
            counters.settled(counts, stage: context.stage, batch: batch, audit: rows)
            StageTrace.log("\(context.stage.rawValue) \(batch.count): acks+settle+ack \(Int(StageTrace.now() - t0)) ms")
            return true
        }
    }

    /// A batch gave up (the stage is stopping): nothing settled or acknowledged; later batches give
    /// up too, and the logic forgets its in-memory state.
    private func giveUp() async -> Bool {
        await logic.reset()
        return false
    }
}
