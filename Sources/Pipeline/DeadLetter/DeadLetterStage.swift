import Kafka
import Ledger
import Logging
import ServiceLifecycle

/// The dead-letter stage: consumer group `<p>.dead-letter` on `<p>.dead-letter` and
/// `<p>.quarantine`; every record becomes (or reopens) a case in the ledger (``DeadLetterLogic`` on
/// the ``StageRunner`` skeleton), and a ``CaseResolver`` resolves replayed cases every
/// `resolveInterval` while the stage runs.
public final class DeadLetterStage: Service, CustomStringConvertible, Sendable {
    private let input: StageConsumer
    private let runner: StageRunner<DeadLetterLogic>
    private let resolver: CaseResolver
    private let resolveInterval: Duration
    private let cases: any CaseStore
    /// What the stage did so far (`produced` = cases opened or reopened, `duplicates` = records
    /// recorded before).
    public let counters = StageCounters()

    public var description: String { "dead-letter" }

    /// Creates the stage and its consumer (joins the group in the background). `group` replaces
    /// the consumer group `<p>.dead-letter` (an independent reader, e.g. to re-read the topics).
    public init(
        kafka: KafkaConfig, topics: PipelineTopics, ledger: any LedgerStore & CaseStore, audit: any AuditSink,
        replica: String = "dead-letter-0", options: KafkaConsumerOptions = .init(), group: String? = nil,
        resolveInterval: Duration = .seconds(2), logger: Logger = Logger(label: "driftless.dead-letter")
    ) throws {
        input = try StageConsumer(
            stage: .deadLetter, kafka: kafka, topics: topics, inputs: [topics.deadLetter, topics.quarantine],
            options: options, group: group, logger: logger)
        runner = StageRunner(
            logic: DeadLetterLogic(cases: ledger), stage: .deadLetter, input: input, sink: NoRecordSink(),
            audit: audit, topics: topics, replica: replica, counters: counters, maxInFlight: 1, logger: logger)
        resolver = CaseResolver(cases: ledger, ledger: ledger, logger: logger)
        self.resolveInterval = resolveInterval
        cases = ledger
    }

    /// Runs until stopped (``stop()`` or graceful shutdown); the batch in flight is finished.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            let resolver = self.resolver
            let interval = resolveInterval
            group.addTask { await resolver.run(every: interval) }
            await runner.run()
            group.cancelAll()
        }
    }

    /// How many cases are open (for metrics).
    public func openCaseCount() async throws -> Int {
        try await cases.openCaseCount()
    }

    /// The consumer's counters (buffer, back-pressure pauses, rebalances).
    public var consumerStatistics: KafkaConsumerStatistics { input.statistics }

    /// Stops after the batch in hand.
    public func stop() {
        input.stop()
    }
}
