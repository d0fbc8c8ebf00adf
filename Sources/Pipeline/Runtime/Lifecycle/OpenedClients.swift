import Kafka
import Ledger

/// The process's shared clients, for closing them when the service group did not: a start-up that
/// failed before the group ran their services, or a group that was cancelled instead of shut down
/// gracefully. Closes in the order the shutdown needs — the producer (flushed), the audit writer
/// (drained), the ledger — and each close is a no-op when the client's own service already closed it
/// (their lifecycles make a second close do nothing).
struct OpenedClients: Sendable {
    let producer: KafkaProducer
    let auditWriter: AuditWriter
    let ledger: any LedgerStore

    /// How long the audit writer keeps writing through a store outage before it gives up.
    static let auditShutdownTimeout: Duration = .seconds(10)

    func close() async {
        await producer.shutdown()
        await auditWriter.shutdown(timeout: Self.auditShutdownTimeout)
        await ledger.close()
    }
}

extension Parts {
    /// The clients start-up opened (``OpenedClients``).
    var opened: OpenedClients {
        OpenedClients(producer: producer, auditWriter: auditWriter, ledger: ledger)
    }
}
