import Kafka
import Ledger
import Logging

/// The domain logic of a stage; ``StageRunner`` does everything else (see "How to write a stage" in
/// docs/ARCHITECTURE.md). A stage is one of two kinds:
/// - a **transform** (``TransformLogic``: validate, translate): records in → records out; its
///   ``plan(_:context:)`` is pure (decode, ledger reads, planning) and the plan is what it produces;
/// - an **effect** (``EffectLogic``: dispatch, retry, dead-letter): after a pure plan comes an
///   explicit effect step, ``perform(_:_:context:)`` (ERP writes, ledger writes, Kafka sends through
///   the context's ``BatchDelivery``), whose ``Outcome`` is what happened.
///
/// Per batch the runner calls `plan` (one batch at a time, in order); a plan made while the stage
/// is asked to stop is dropped unacknowledged (nothing happened yet). It then calls `perform`
/// (nil: the step gave up, nothing is acknowledged), enqueues the outcome's ``outputs(_:)`` to the
/// producer, and then — in the background, strictly in batch order — awaits their
/// acknowledgements, quarantines records the broker refuses for good, and calls
/// ``settle(_:_:undeliverable:context:)``; it writes the audit rows settle returns and acknowledges
/// the batch's offsets. An outcome is settled even when the stage is stopping: its effects happened
/// and must be audited. ``reset()`` is called when partitions moved (after every batch in flight
/// finished) and when a batch gave up (the stage is stopping): in-memory state must then go.
protocol StageLogic: Sendable {
    /// What the pure step decided.
    associatedtype Plan: Sendable
    /// What the effect step did (a transform: its plan).
    associatedtype Outcome: Sendable

    /// Decides what to do with `batch` (decode, ledger reads, pure planning: no effect). Nil when
    /// the stage is stopping: nothing is produced and nothing acknowledged.
    func plan(_ batch: [KafkaMessage], context: StageContext) async -> Plan?

    /// Carries `plan` out (an effect stage's writes and sends); nil when it gave up (the stage is
    /// stopping): nothing is acknowledged.
    func perform(_ plan: Plan, _ batch: [KafkaMessage], context: StageContext) async -> Outcome?

    /// The records the runner produces for `outcome`, in order, with their sources.
    func outputs(_ outcome: Outcome) -> StageOutputs

    /// Every output of `outcome` is acknowledged, or was refused for good and replaced by the
    /// quarantine output in `undeliverable` (by output index). Persists what the stage must
    /// (translate: the order states) and returns the audit rows and counts to add.
    func settle(
        _ batch: [KafkaMessage], _ outcome: Outcome, undeliverable: [(index: Int, output: StageOutput)],
        context: StageContext
    ) async -> StageSettlement

    /// Forgets in-memory state (partitions moved, or a batch gave up).
    func reset() async
}

/// A transform stage: its plan is the records it produces; there is no effect step.
protocol TransformLogic: StageLogic where Outcome == Plan {}

extension TransformLogic {
    func perform(_ plan: Plan, _ batch: [KafkaMessage], context: StageContext) async -> Plan? { plan }
}

/// An effect stage: ``perform(_:_:context:)`` makes the effects and returns what happened. Sends it
/// must see acknowledged before its next step (retry: a record on its next tier before the ledger
/// moves on) go through `context.delivery`, so a record the broker refuses for good is quarantined
/// with the reason like every output. By default it produces nothing through the runner.
protocol EffectLogic: StageLogic {}

extension EffectLogic {
    func outputs(_ outcome: Outcome) -> StageOutputs {
        StageOutputs(records: [], sources: [])
    }
}

/// What a stage's logic may use besides its own parts.
struct StageContext: Sendable {
    let stage: StageName
    let topics: PipelineTopics
    let replica: String
    let logger: Logger
    /// Whether a stop was requested (a step that retries gives up then).
    let isStopping: @Sendable () -> Bool
    /// Where an effect step sends records (acknowledged, or quarantined when refused for good).
    let delivery: BatchDelivery
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
