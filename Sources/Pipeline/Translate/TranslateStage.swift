import Kafka
import Ledger
import Logging
import OrderModel

/// The translate stage, a transform: consumer group `<p>.translate` on `<p>.validated`; applies
/// each event to the order's state with `OrderStateMachine` and emits `CanonicalEvent`s to
/// `<p>.canonical` (``TranslateLogic``; up to `maxInFlight` batches in flight).
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
public typealias TranslateStage = Stage<TranslateLogic>

extension Stage where Logic == TranslateLogic {
    /// Creates the stage and its consumer (joins the group in the background). `maxInFlight`:
    /// batches whose sends/saves may be under way at once.
    public convenience init(
        kafka: KafkaConfig, topics: PipelineTopics, matrix: MappingMatrix, sink: any RecordSink,
        ledger: any LedgerStore, audit: any AuditSink, replica: String = "translate-0",
        options: KafkaConsumerOptions = .init(), maxInFlight: Int = 3,
        logger: Logger = Logger(label: "driftless.translate")
    ) throws {
        let input = try StageConsumer(
            stage: .translate, kafka: kafka, topics: topics, input: topics.validated, options: options, logger: logger)
        let planner = TranslatePlanner(decoder: ObservationDecoder(matrix: matrix), topics: topics, replica: replica)
        self.init(
            .translate, logic: TranslateLogic(planner: planner, ledger: ledger, logger: logger), input: input,
            sink: sink, audit: audit, topics: topics, replica: replica, maxInFlight: maxInFlight, logger: logger)
    }
}
