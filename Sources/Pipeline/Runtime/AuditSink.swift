import Ledger

/// Where stages write audit rows. Writing never blocks or fails the stage: a sink buffers and
/// reports its own errors (the ledger's `AuditWriter` in production).
public protocol AuditSink: Sendable {
    /// Queues `records` for the audit trail; may wait for room (back-pressure on a slow ledger).
    func record(_ records: [AuditRecord]) async

    /// Queues `records` without waiting for room: what does not fit is dropped and counted. For
    /// callers someone waits on (a webhook answer), whose durable copy is already in Kafka.
    func offer(_ records: [AuditRecord]) async
}

extension AuditSink {
    /// Queues one record.
    public func record(_ record: AuditRecord) async {
        await self.record([record])
    }
}

/// Discards audit rows (benchmarks, or a stage run without a ledger).
public struct DiscardingAuditSink: AuditSink {
    public init() {}
    public func record(_ records: [AuditRecord]) async {}
    public func offer(_ records: [AuditRecord]) async {}
}

/// Writes audit rows through the ledger's batching `AuditWriter`; a failure (writer closed) is logged.
public struct LedgerAuditSink: AuditSink {
    /// The writer.
    public let writer: AuditWriter

    public init(writer: AuditWriter) {
        self.writer = writer
    }

    public func record(_ records: [AuditRecord]) async {
        _ = try? await writer.record(contentsOf: records)
    }

    public func offer(_ records: [AuditRecord]) async {
        await writer.offer(contentsOf: records)
    }
}
