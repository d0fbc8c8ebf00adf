import Kafka
import Ledger
import Logging
import OrderModel
import ServiceLifecycle

/// The translate stage: consumer group `<p>.translate` on `<p>.validated`; applies each event to
/// the order's state with `OrderStateMachine` and emits `CanonicalEvent`s to `<p>.canonical`
/// (``TranslateLogic`` on the ``StageRunner`` skeleton; up to `maxInFlight` batches in flight).
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
public final class TranslateStage: Service, CustomStringConvertible, Sendable {
    private let input: StageConsumer
    private let runner: StageRunner<TranslateLogic>
    /// What the stage did so far.
    public let counters = StageCounters()

    public var description: String { "translate" }

    /// Creates the stage and its consumer (joins the group in the background). `maxInFlight`:
    /// batches whose sends/saves may be under way at once.
    public init(
        kafka: KafkaConfig, topics: PipelineTopics, matrix: MappingMatrix, sink: any RecordSink,
        ledger: any LedgerStore, audit: any AuditSink, replica: String = "translate-0",
        options: KafkaConsumerOptions = .init(), maxInFlight: Int = 3,
        logger: Logger = Logger(label: "driftless.translate")
    ) throws {
        input = try StageConsumer(
            stage: .translate, kafka: kafka, topics: topics, input: topics.validated, options: options, logger: logger)
        let planner = TranslatePlanner(decoder: ObservationDecoder(matrix: matrix), topics: topics, replica: replica)
        runner = StageRunner(
            logic: TranslateLogic(planner: planner, ledger: ledger, logger: logger), stage: .translate, input: input,
            sink: sink, audit: audit, topics: topics, replica: replica, counters: counters, maxInFlight: maxInFlight,
            logger: logger)
    }

    /// Runs until stopped (``stop()`` or graceful shutdown); batches in flight are finished.
    public func run() async {
        await runner.run()
    }

    /// The consumer's counters (buffer, back-pressure pauses, rebalances).
    public var consumerStatistics: KafkaConsumerStatistics { input.statistics }

    /// Stops after the batch in hand.
    public func stop() {
        input.stop()
    }
}
