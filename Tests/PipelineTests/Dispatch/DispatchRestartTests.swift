import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// `driftless run --stage dispatch --stage retry` as a real process on Tansu, killed with SIGKILL
/// mid-run (with records waiting in the retry tiers and events parked) and started again: every
/// effect lands, none twice, none out of order.
final class DispatchRestartTests: XCTestCase {
    func testSIGKILLMidRunAndRestartLosesNothingAndDuplicatesNothing() async throws {
        guard let broker = try TestBroker.tansu() else { throw XCTSkip("no Tansu") }
        let directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-sigkill")
        defer { try? FileManager.default.removeItem(at: directory) }
        let testERP = try await TestERP.start(faults: ERPFaults(seed: 31))
        let erp = testERP.simulator
        erp.faults.update {
            $0.latency = .milliseconds(4)
            $0.unavailableRatio = 0.1
        }
        let prefix = broker.uniqueName("dl")
        let environment = testERP.environment.merging([
            "DRIFTLESS_KAFKA_BOOTSTRAP": broker.bootstrapServers,
            "DRIFTLESS_TOPIC_PREFIX": prefix,
            "DRIFTLESS_PARTITIONS": "3",
            "DRIFTLESS_LEDGER_URL": "sqlite://" + directory.appendingPathComponent("ledger.db").path,
            "DRIFTLESS_INGEST_PORT": "0",  // each process binds a port of its own and reports it
            "DRIFTLESS_CONSUMER_PROPERTY_SESSION_TIMEOUT_MS": "6000",
        ]) { $1 }
        let first = try DriftlessProcess(
            environment: environment, directory: directory, name: "a",
            arguments: ["--stage", "dispatch", "--stage", "retry"])
        defer { first.kill() }
        try await first.waitUntilReady()

        let topics = PipelineTopics(prefix: prefix)
        let matrix = try MappingMatrix.default
        let stream = CanonicalLifecycles.make(orders: 200, seed: 13, duplicateRatio: 0.1, matrix: matrix, prefix: "K")
        let expected = CanonicalLifecycles.expected(stream)
        let effects = expected.values.map(\.effects.count).reduce(0, +)
        let producer = try KafkaProducer(config: broker.config())
        _ = try await producer.send(stream.map { CanonicalLifecycles.record($0, topics: topics) })
        await producer.close()

        let midRun = await waitMakingProgress(
            progress: { await erp.store.appliedWrites },
            until: {
                await erp.store.appliedWrites >= effects / 3
            })
        let before = await erp.store.appliedWrites
        XCTAssertTrue(midRun.isDone, "\(midRun): \(before) of \(effects) effects before the kill")
        first.kill()
        _ = try await first.waitForExit(timeout: .seconds(10))
        let atKill = await erp.store.appliedWrites
        XCTAssertLessThan(atKill, effects, "killed mid-run")

        let second = try DriftlessProcess(
            environment: environment, directory: directory, name: "b",
            arguments: ["--stage", "dispatch", "--stage", "retry"])
        defer { second.kill() }
        try await second.waitUntilReady()
        let complete = await waitMakingProgress(
            progress: { await erp.store.appliedWrites },
            until: {
                await erp.store.appliedWrites >= effects
            })
        let after = await erp.store.appliedWrites
        XCTAssertTrue(complete.isDone, "\(complete): \(after) of \(effects)\n\(second.output.suffix(2000))")
        // Whatever the second process still re-reads must change nothing: SIGTERM drains it (its
        // batches in flight finish and commit) before it exits, and the count is taken after that.
        second.terminate()
        let status = try await second.waitForExit(timeout: .seconds(40))
        XCTAssertEqual(status, 0, second.output.suffix(2000).description)

        await erp.assertMatches(expected)
        let total = await erp.store.appliedWrites
        XCTAssertEqual(total, effects, "no write applied twice")
        print("sigkill: killed at \(atKill) of \(effects) effects; after restart \(total); 0 duplicates")
        await erp.stop()
    }
}
