import Kafka
import Ledger

/// One record a stage produces and the audit row to write once the broker acknowledged it.
public struct StageOutput: Sendable {
    /// The record to produce.
    public var record: ProducerRecord
    /// The audit row for it.
    public var audit: AuditRecord
    /// Whether it goes to `<p>.quarantine` rather than the stage's output topic.
    public var quarantined: Bool

    public init(record: ProducerRecord, audit: AuditRecord, quarantined: Bool) {
        self.record = record
        self.audit = audit
        self.quarantined = quarantined
    }
}

/// A batch's output records in produce order, and for each the index of the input message it
/// comes from (so a refused record is quarantined with its source).
struct StageOutputs: Sendable {
    var records: [ProducerRecord]
    var sources: [Int]
}
