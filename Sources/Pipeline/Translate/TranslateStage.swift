import Foundation
import Kafka
import Ledger
import Logging
import OrderModel

/// The translate stage: consumer group `<p>.translate` on `<p>.validated`; applies each event to
/// the order's state with `OrderStateMachine` and emits `CanonicalEvent`s to `<p>.canonical`.
///
/// Per batch (one batch in flight; per-order order kept because a partition's records are planned
/// in offset order): take each record's observation from the `dl-observation` header validate
/// added (the payload is parsed again only without it) → load the batch's order states from the
/// ledger → plan → produce canonical and quarantine records and await their acks → save the states
/// (one transaction for the batch, see `StateSaver`) → queue audit rows → acknowledge the offsets. State rows are saved only-if-newer with versions growing by one per applied event, so a
/// concurrent replica (during a rebalance) cannot apply the same version twice: rows the ledger
/// refuses were applied by the other replica and are audited as duplicates, never as `translated`.
public final class TranslateStage: Sendable {
    private let planner: TranslatePlanner
    private let sink: any RecordSink
    private let ledger: any LedgerStore
    private let saver: StateSaver
    private let audit: any AuditSink
    private let input: StageConsumer
    private let logger: Logger
    /// What the stage did so far.
    public let counters = StageCounters()

    /// Creates the stage and its consumer (joins the group in the background).
    public init(
        kafka: KafkaConfig, topics: PipelineTopics, matrix: MappingMatrix, sink: any RecordSink,
        ledger: any LedgerStore, audit: any AuditSink, replica: String = "translate-0",
        options: KafkaConsumerOptions = .init(), logger: Logger = Logger(label: "driftless.translate")
    ) throws {
        input = try StageConsumer(
            stage: .translate, kafka: kafka, topics: topics, input: topics.validated, options: options, logger: logger)
        planner = TranslatePlanner(decoder: ObservationDecoder(matrix: matrix), topics: topics, replica: replica)
        self.sink = sink
        self.ledger = ledger
        saver = StateSaver(ledger: ledger, logger: logger)
        self.audit = audit
        self.logger = logger
    }

    /// Runs until stopped (``stop()`` or graceful shutdown).
    public func run() async {
        await input.run { batch in await self.handle(batch) }
    }

    /// The consumer's counters (buffer, back-pressure pauses, rebalances).
    public var consumerStatistics: KafkaConsumerStatistics { input.statistics }

    /// Stops after the batch in hand.
    public func stop() {
        input.stop()
    }

    private func handle(_ batch: [KafkaMessage]) async {
        let decoded = batch.map { message -> Result<(Envelope, ChannelObservation), StageRejection> in
            Result { () throws(StageRejection) in try planner.decoder.decodeValidated(message) }
        }
        var keys: Set<String> = []
        for case .success(let (_, observation)) in decoded { keys.insert(observation.key.description) }
        let orderKeys = Array(keys)
        var attempts = 0
        let outcome = await retryUntilStopped("translate batch", logger: logger, shouldStop: { self.input.isStopping }) {
            attempts += 1
            let rows = try await self.ledger.loadStates(orders: orderKeys)
            var states: [String: OrderStateRecord] = [:]
            for row in rows where row.system == OrderKey(row.orderKey)?.channel.rawValue {
                states[row.orderKey] = row
            }
            let plan = self.planner.plan(batch, decoded: decoded, states: states)
            _ = try await self.sink.send(plan.records)
            let elsewhere = try await self.saver.save(plan.saves)
            return (plan, elsewhere)
        }
        guard let (plan, elsewhere) = outcome else { return }
        var rows = plan.otherAudit
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
        let foreignTotal = elsewhere.values.reduce(0, +)
        counters.update {
            $0.batches += 1
            $0.retries += attempts - 1
            $0.consumed += batch.count
            $0.produced += plan.translated
            $0.translated += plan.translated
            $0.unchanged += plan.unchanged
            $0.stale += plan.stale
            $0.duplicates += plan.duplicates
            $0.illegal += plan.illegal
            $0.quarantined += plan.quarantined
            $0.appliedElsewhere += foreignTotal
        }
    }
}
