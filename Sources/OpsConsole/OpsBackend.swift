import Ledger
import Pipeline

/// What the console reads and acts on in the running process: its ledger (cases, audit trail,
/// order states), the brokers and topics replays produce to, its health and metrics.
public struct OpsBackend: Sendable {
    let ledger: any LedgerStore
    let bootstrapServers: String
    let topics: PipelineTopics
    let health: HealthState
    let metrics: PipelineMetrics
    /// The process's ERP client (one per process: its token cache and concurrency limit are shared).
    let erpClient: ERPClient?

    /// The process's composition root: the matrix it runs with, its ERP access, readers for replays.
    let assembly: Assembly

    /// The parts of `runtime` the console needs.
    public init(runtime: PipelineRuntime) {
        ledger = runtime.ledger
        bootstrapServers = runtime.bootstrapServers
        topics = runtime.topics
        health = runtime.health
        metrics = runtime.metrics
        erpClient = runtime.erpClient
        assembly = runtime.assembly
    }

    /// The ledger as a case store, when it keeps cases.
    var cases: (any CaseStore)? { ledger as? any CaseStore }
}
