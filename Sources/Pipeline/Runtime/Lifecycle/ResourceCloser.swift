import Kafka
import Ledger
import Logging
import Synchronization

/// Closes the process's shared clients once each, in the order the shutdown needs: the producer
/// (flushed first), then the audit writer (flushed), then the ledger. The ``ClosingService``s call
/// the steps as the service group shuts down; ``closeAll()`` covers a start-up that failed before
/// the group ran them. Every step runs at most once.
final class ResourceCloser: Sendable {
    enum Step: String, Sendable, CaseIterable {
        case producer, auditWriter = "audit-writer", ledger
    }

    private let producer: KafkaProducer
    private let auditWriter: AuditWriter
    private let ledger: any LedgerStore
    private let logger: Logger
    private let done = Mutex<Set<Step>>([])

    init(producer: KafkaProducer, auditWriter: AuditWriter, ledger: any LedgerStore, logger: Logger) {
        self.producer = producer
        self.auditWriter = auditWriter
        self.ledger = ledger
        self.logger = logger
    }

    /// Runs `step` unless it already ran.
    func close(_ step: Step) async {
        guard done.withLock({ $0.insert(step).inserted }) else { return }
        switch step {
        case .producer:
            do {
                try await producer.flush(timeout: .seconds(10))
            } catch {
                logger.warning("producer flush incomplete", metadata: ["error": "\(error)"])
            }
            await producer.close()
        case .auditWriter:
            let lost = await auditWriter.shutdown(timeout: .seconds(10))
            if lost > 0 { logger.error("audit rows not written at shutdown", metadata: ["count": "\(lost)"]) }
        case .ledger:
            await ledger.close()
        }
    }

    /// Every step not run yet, in order.
    func closeAll() async {
        for step in Step.allCases { await close(step) }
    }
}
