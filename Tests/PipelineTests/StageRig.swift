import DriftlessTesting
import Foundation
import Ledger
import Pipeline

/// What stage tests on the mock cluster share: a broker with the stage topics created, and a
/// SQLite ledger (in a temporary directory) with its audit writer.
struct StageRig {
    let broker: TestBroker
    let topics: PipelineTopics
    let ledger: any LedgerStore
    let writer: AuditWriter
    let directory: URL

    static func start(partitions: Int32, name: String) async throws -> StageRig {
        let broker = try TestBroker.mock()
        let topics = PipelineTopics(prefix: broker.uniqueName("dl"))
        for topic in topics.stageTopics { try await broker.createTopic(named: topic, partitions: partitions) }
        let directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-\(name)")
        let ledger = try await Ledger.open(url: "sqlite://" + directory.appendingPathComponent("ledger.db").path)
        return StageRig(broker: broker, topics: topics, ledger: ledger, writer: AuditWriter(store: ledger), directory: directory)
    }

    /// Flushes and stops the audit writer, closes the ledger and removes its directory.
    func finish() async {
        _ = await writer.shutdown()
        await ledger.close()
        try? FileManager.default.removeItem(at: directory)
    }
}
