import Kafka
import Logging
import ServiceLifecycle

/// A stage as a `Service`: the consumer of its input topics in its group, the ``StageRunner`` that
/// drives its logic batch by batch, its counters, and the work that runs beside the records while
/// it runs (retry: the hold sweep; dead-letter: the case resolver). One class for every stage: what
/// a stage does lives in its `Logic` (a transform or an effect kind, see ``StageLogic``), and each
/// stage's file builds it (``ValidateStage``, ``TranslateStage``, ``DispatchStage``, ``RetryStage``,
/// ``DeadLetterStage``).
///
/// Input offsets are acknowledged only after the output records are acknowledged by the broker; a
/// record the broker will never accept (e.g. too large) is quarantined with the reason instead of
/// being retried forever; transient failures are retried until they succeed or the stage stops.
public final class Stage<Logic: Sendable>: Service, CustomStringConvertible, Sendable {
    /// Work beside the records; `isStopping` turns true once the stage is asked to stop.
    typealias Beside = @Sendable (_ isStopping: @escaping @Sendable () -> Bool) async -> Void

    /// The stage's logic (stage-specific accessors read it).
    let logic: Logic
    private let input: StageConsumer
    private let runRecords: @Sendable () async -> Void
    private let beside: Beside?
    private let stopped = StopFlag()
    /// What the stage did so far.
    public let counters: StageCounters
    /// The stage's name (`validate`, …, `dead-letter`).
    public let description: String

    private init(
        name: StageName, logic: Logic, input: StageConsumer, counters: StageCounters,
        runRecords: @escaping @Sendable () async -> Void, beside: Beside?
    ) {
        self.logic = logic
        self.input = input
        self.counters = counters
        self.runRecords = runRecords
        self.beside = beside
        description = name.rawValue
    }

    /// Runs until stopped (``stop()`` or graceful shutdown); batches in flight are finished (or, on
    /// a stop during a failure, given up unacknowledged). Work beside the records stops with it.
    public func run() async {
        guard let beside else { return await runRecords() }
        let stopped = self.stopped
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await beside { stopped.isStopped || Task.isCancelled } }
            await runRecords()
            stopped.stop()
            group.cancelAll()
        }
    }

    /// The consumer's counters (buffer, back-pressure pauses, rebalances).
    public var consumerStatistics: KafkaConsumerStatistics { input.statistics }

    /// Stops after the batch in hand.
    public func stop() {
        stopped.stop()
        input.stop()
    }
}

extension Stage where Logic: StageLogic {
    /// A stage of `logic` on `input`: up to `maxInFlight` batches between enqueue and
    /// acknowledgement at once (effect stages: 1).
    convenience init(
        _ name: StageName, logic: Logic, input: StageConsumer, sink: any RecordSink, audit: any AuditSink,
        topics: PipelineTopics, replica: String, maxInFlight: Int, logger: Logger, beside: Beside? = nil
    ) {
        let counters = StageCounters()
        let runner = StageRunner(
            logic: logic, stage: name, input: input, sink: sink, audit: audit, topics: topics, replica: replica,
            counters: counters, maxInFlight: maxInFlight, logger: logger)
        self.init(
            name: name, logic: logic, input: input, counters: counters, runRecords: { await runner.run() },
            beside: beside)
    }
}
