import Kafka
import Ledger
import Logging

/// The domain logic of a stage; ``StageRunner`` does everything else (see "How to write a stage" in
/// docs/ARCHITECTURE.md).
///
/// Per batch the runner calls ``plan(_:context:)`` (one batch at a time, in order), enqueues the
/// plan's ``outputs(_:)`` to the producer, and then — in the background, strictly in batch order —
/// awaits their acknowledgements, quarantines records the broker refuses for good, and calls
/// ``settle(_:_:undeliverable:context:)``; it writes the audit rows settle returns and acknowledges
/// the batch's offsets. ``reset()`` is called when partitions moved (after every batch in flight
/// finished) and when a batch gave up (the stage is stopping): in-memory state must then go.
protocol StageLogic: Sendable {
    associatedtype Plan: Sendable

    /// Decides what `batch` produces (decode, ledger reads, pure planning). Nil when the stage is
    /// stopping: nothing is produced and nothing acknowledged.
    func plan(_ batch: [KafkaMessage], context: StageContext) async -> Plan?

    /// The records `plan` produces, in order, with their sources.
    func outputs(_ plan: Plan) -> StageOutputs

    /// Every output of `plan` is acknowledged, or was refused for good and replaced by the
    /// quarantine output in `undeliverable` (by output index). Persists what the stage must
    /// (translate: the order states) and returns the audit rows and counts to add.
    func settle(
        _ batch: [KafkaMessage], _ plan: Plan, undeliverable: [(index: Int, output: StageOutput)], context: StageContext
    ) async -> StageSettlement

    /// Forgets in-memory state (partitions moved, or a batch gave up).
    func reset() async

    /// Whether a plan made while the stage was asked to stop is still produced, settled and
    /// acknowledged (dispatch: its writes already happened and must be audited); otherwise it is
    /// dropped unacknowledged. False unless a stage says otherwise.
    static var settlesPlansMadeWhileStopping: Bool { get }
}

extension StageLogic {
    static var settlesPlansMadeWhileStopping: Bool { false }
}

/// What a stage's logic may use besides its own parts.
struct StageContext: Sendable {
    let stage: StageName
    let topics: PipelineTopics
    let replica: String
    let logger: Logger
    /// Whether a stop was requested (a step that retries gives up then).
    let isStopping: @Sendable () -> Bool
}

/// How settling a batch ended.
enum StageSettlement: Sendable {
    /// Done: write `audit`, acknowledge the batch except the messages at `unfinished` (their
    /// partition's commit stops before the first of them), add `counts` (the runner adds batches and
    /// consumed, less the unfinished).
    case settled(audit: [AuditRecord], counts: StageCounts, unfinished: Set<Int> = [])
    /// The stage is stopping: nothing is acknowledged; later batches give up too.
    case gaveUp
}
