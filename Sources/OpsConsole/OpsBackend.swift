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

    /// The parts of `runtime` the console needs.
    public init(runtime: PipelineRuntime) {
        self.init(
            ledger: runtime.ledger, bootstrapServers: runtime.bootstrapServers, topics: runtime.topics,
            health: runtime.health, metrics: runtime.metrics, erpClient: runtime.erpClient)
    }

    /// The parts, given one by one.
    public init(
        ledger: any LedgerStore, bootstrapServers: String, topics: PipelineTopics, health: HealthState,
        metrics: PipelineMetrics, erpClient: ERPClient? = nil
    ) {
        self.erpClient = erpClient
        self.ledger = ledger
        self.bootstrapServers = bootstrapServers
        self.topics = topics
        self.health = health
        self.metrics = metrics
    }

    /// The ledger as a case store, when it keeps cases.
    var cases: (any CaseStore)? { ledger as? any CaseStore }
}
