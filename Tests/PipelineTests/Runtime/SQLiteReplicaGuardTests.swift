import DriftlessTesting
import Foundation
import Pipeline
import XCTest

/// Issue 9, smaller item: a second translate replica on the same SQLite ledger file is refused at
/// start-up with a message that names PostgreSQL; other stages may share the file.
final class SQLiteReplicaGuardTests: XCTestCase {
    func testASecondTranslateReplicaOnOneSQLiteFileIsRefused() async throws {
        let broker = try TestBroker.mock(brokers: 1)
        let directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-sqlite-guard")
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = broker.uniqueName("dl")
        let first = try await PipelineFixture.start(
            broker: broker, stages: [.translate], prefix: prefix, ledgerDirectory: directory, replica: "a")
        do {
            let second = try await PipelineFixture.start(
                broker: broker, stages: [.translate], prefix: prefix, ledgerDirectory: directory, replica: "b")
            try await second.stop()
            XCTFail("a second translate replica on the same SQLite file must not start")
        } catch let error as PipelineRuntimeError {
            guard case .sqliteLedgerShared(let path) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, directory.appendingPathComponent("ledger.db").path)
            XCTAssertTrue(error.description.contains("PostgreSQL"), error.description)
        }
        // Ingest and validate keep no order state: they may share the file.
        let ingest = try await PipelineFixture.start(
            broker: broker, stages: [.ingest, .validate], prefix: prefix, ledgerDirectory: directory, replica: "c")
        try await ingest.stop()
        // Once the first replica stopped, the file is free again.
        try await first.stop()
        let third = try await PipelineFixture.start(
            broker: broker, stages: [.translate], prefix: prefix, ledgerDirectory: directory, replica: "d")
        try await third.stop()
    }
}
