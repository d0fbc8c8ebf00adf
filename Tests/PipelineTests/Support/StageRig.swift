import DriftlessTesting
import Foundation
import Ledger
import Pipeline
import XCTest

/// What stage tests on the mock cluster share: a broker with the stage topics created, and a
/// ledger with its audit writer — SQLite in a temporary directory, or PostgreSQL (the replicas'
/// configuration) in a fresh schema of `DRIFTLESS_TEST_POSTGRES_URL`.
struct StageRig {
    enum Backend: String {
        case sqlite, postgres
    }

    let broker: TestBroker
    let topics: PipelineTopics
    let ledger: any LedgerStore
    let writer: AuditWriter
    let directory: URL?
    let postgresURL: String?

    static func start(
        partitions: Int32, name: String, backend: Backend = .sqlite, broker given: TestBroker? = nil
    ) async throws -> StageRig {
        let broker = try given ?? TestBroker.mock()
        let topics = PipelineTopics(prefix: broker.uniqueName("dl"))
        for topic in topics.stageTopics { try await broker.createTopic(named: topic, partitions: partitions) }
        switch backend {
        case .sqlite:
            let directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-\(name)")
            let ledger = try await Ledger.open(url: "sqlite://" + directory.appendingPathComponent("ledger.db").path)
            return StageRig(
                broker: broker, topics: topics, ledger: ledger, writer: AuditWriter(store: ledger),
                directory: directory, postgresURL: nil)
        case .postgres:
            let base: String
            switch LedgerTestServices.postgres() {
            case .available(let url): base = url
            case .skip(let reason): throw XCTSkip(reason)
            case .fail(let message): throw LedgerError.invalidArgument(message)
            }
            let url = LedgerTestServices.adding("schema", LedgerTestServices.uniqueSchemaName(prefix: name), to: base)
            let ledger = try await Ledger.open(url: url)
            return StageRig(
                broker: broker, topics: topics, ledger: ledger, writer: AuditWriter(store: ledger),
                directory: nil, postgresURL: url)
        }
    }

    /// Flushes and stops the audit writer, closes the ledger and removes its directory or schema.
    func finish() async {
        _ = await writer.shutdown()
        await ledger.close()
        if let directory { try? FileManager.default.removeItem(at: directory) }
        if let postgresURL { try? await PostgresLedgerStore.dropSchema(url: postgresURL) }
    }
}
