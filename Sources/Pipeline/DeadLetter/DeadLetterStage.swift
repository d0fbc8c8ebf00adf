import Kafka
import Ledger
import Logging

/// The dead-letter stage, an effect kind: consumer group `<p>.dead-letter` on `<p>.dead-letter` and
/// `<p>.quarantine`; every record becomes (or reopens) a case in the ledger (``DeadLetterLogic``),
/// and a ``CaseResolver`` resolves replayed cases every `resolveInterval` while the stage runs.
/// Its counters: `produced` = cases opened or reopened, `duplicates` = records recorded before.
public typealias DeadLetterStage = Stage<DeadLetterLogic>

extension Stage where Logic == DeadLetterLogic {
    /// Creates the stage and its consumer (joins the group in the background). `group` replaces
    /// the consumer group `<p>.dead-letter` (an independent reader, e.g. to re-read the topics).
    public convenience init(
        kafka: KafkaConfig, topics: PipelineTopics, ledger: any LedgerStore & CaseStore, audit: any AuditSink,
        replica: String = "dead-letter-0", options: KafkaConsumerOptions = .init(), group: String? = nil,
        resolveInterval: Duration = .seconds(2), logger: Logger = Logger(label: "driftless.dead-letter")
    ) throws {
        let input = try StageConsumer(
            stage: .deadLetter, kafka: kafka, topics: topics, inputs: [topics.deadLetter, topics.quarantine],
            options: options, group: group, logger: logger)
        let resolver = CaseResolver(cases: ledger, ledger: ledger, logger: logger)
        self.init(
            .deadLetter, logic: DeadLetterLogic(cases: ledger), input: input, sink: NoRecordSink(), audit: audit,
            topics: topics, replica: replica, maxInFlight: 1, logger: logger,
            beside: { _ in await resolver.run(every: resolveInterval) })
    }

    /// How many cases are open (for metrics).
    public func openCaseCount() async throws -> Int {
        try await logic.cases.openCaseCount()
    }
}
