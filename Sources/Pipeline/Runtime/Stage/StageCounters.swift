import Kafka
import Ledger
import Synchronization

/// Counters of a stage, readable at any time (tests, health, benchmarks).
public struct StageCounts: Sendable, Hashable {
    public var consumed = 0
    public var produced = 0
    public var quarantined = 0
    public var translated = 0
    public var unchanged = 0
    public var stale = 0
    public var duplicates = 0
    public var illegal = 0
    public var batches = 0
    public var retries = 0
    public var appliedElsewhere = 0
    /// Dispatch: ERP writes that landed, events that needed none, fulfilment releases withheld
    /// (Pattern 4), ERP payments no capture explains (Pattern 5), events given up on (refused for
    /// good, or out of attempts).
    public var effects = 0
    public var upToDate = 0
    public var withheld = 0
    public var unmatchedPayments = 0
    public var refused = 0
    public var exhausted = 0
    /// Retry path: records sent to a retry tier, records dead-lettered, events parked behind their
    /// order's head, retry records that were not due yet (redelivered later), stale retry records
    /// skipped, and the largest lateness of a due record (milliseconds past its due time).
    public var retried = 0
    public var deadLettered = 0
    public var parked = 0
    public var notDue = 0
    public var staleRetries = 0
    public var maxLatenessMs = 0

    public init() {}

    init(produced: Int = 0, quarantined: Int = 0) {
        self.produced = produced
        self.quarantined = quarantined
    }

    /// Adds every counter of `other`.
    mutating func add(_ other: StageCounts) {
        consumed += other.consumed
        produced += other.produced
        quarantined += other.quarantined
        translated += other.translated
        unchanged += other.unchanged
        stale += other.stale
        duplicates += other.duplicates
        illegal += other.illegal
        batches += other.batches
        retries += other.retries
        appliedElsewhere += other.appliedElsewhere
        effects += other.effects
        upToDate += other.upToDate
        withheld += other.withheld
        unmatchedPayments += other.unmatchedPayments
        refused += other.refused
        exhausted += other.exhausted
        retried += other.retried
        deadLettered += other.deadLettered
        parked += other.parked
        notDue += other.notDue
        staleRetries += other.staleRetries
        maxLatenessMs = max(maxLatenessMs, other.maxLatenessMs)
    }
}

/// A thread-safe `StageCounts`; settled batches are also reported to the attached
/// ``PipelineMetrics`` (the operators' view, on `/metrics`).
public final class StageCounters: Sendable {
    private let counts = Mutex(StageCounts())
    private let metrics = Mutex<PipelineMetrics?>(nil)

    public init() {}

    /// A snapshot.
    public var snapshot: StageCounts { counts.withLock { $0 } }

    func update(_ body: (inout StageCounts) -> Void) {
        counts.withLock { body(&$0) }
    }

    /// Reports settled batches to `metrics` from now on.
    func attach(_ metrics: PipelineMetrics) {
        self.metrics.withLock { $0 = metrics }
    }

    /// A batch of `stage` settled: adds `delta` and reports it with the batch and its audit rows.
    func settled(_ delta: StageCounts, stage: StageName, batch: [KafkaMessage], audit: [AuditRecord]) {
        counts.withLock { $0.add(delta) }
        metrics.withLock { $0 }?.stageSettled(stage: stage, batch: batch, audit: audit, counts: delta)
    }
}
