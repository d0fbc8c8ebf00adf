import DriftlessTesting
import Foundation
import Ledger
import Pipeline
import Simulators
import XCTest

/// The whole process on the PostgreSQL ledger (the replicas' configuration): its connection pool runs
/// as a service of the process's group, outlives the stages and the audit writer, and stops last.
final class PostgresRuntimeTests: XCTestCase {
    func testThePipelineRunsOnPostgreSQLAndShutsDownCleanly() async throws {
        let base: String
        switch LedgerTestServices.postgres() {
        case .available(let url): base = url
        case .skip(let reason): throw XCTSkip(reason)
        case .fail(let message): return XCTFail(message)
        }
        let url = LedgerTestServices.adding("schema", LedgerTestServices.uniqueSchemaName(prefix: "runtime"), to: base)
        defer { Task { try? await PostgresLedgerStore.dropSchema(url: url) } }
        let broker = try TestBroker.mock(brokers: 1)
        let fixture = try await PipelineFixture.start(broker: broker) { $0.ledgerURL = url }
        let store = StorefrontStore(seed: 83)
        let deliveries = try await makeLifecycles(store: store, orders: 40, seed: 9)
        let expected = try inOrderExpectation(deliveries)
        let deliverer = WebhookDeliverer(targetURL: fixture.webhookURL, secret: PipelineFixture.secret)
        let outcome = await deliverer.send(deliveries, plan: .none, concurrency: 8)
        let delivered = await deliverer.stats.delivered
        XCTAssertEqual(delivered, outcome.schedule.count)
        let keys = expected.keys.sorted()
        let ledger = fixture.ledger
        let converged = try await eventually(timeout: .seconds(120)) {
            let states = try await ledger.loadStates(orders: keys)
            let actual = Dictionary(states.map { ($0.orderKey, $0.state) }, uniquingKeysWith: { a, _ in a })
            return keys.allSatisfy { actual[$0] == expected[$0]?.rawValue }
        }
        XCTAssertTrue(converged)
        try await fixture.stop()
        try? FileManager.default.removeItem(at: fixture.directory)

        // Everything the process audited is in PostgreSQL after the stop (written before the pool stopped).
        let reopened = try await Ledger.open(url: url)
        let received = try await reopened.search(AuditQuery(hops: [.received], limit: 100_000))
        XCTAssertEqual(Set(received.map(\.eventID)), Set(deliveries.map(\.webhookID)))
        let translated = try await reopened.search(AuditQuery(hops: [.translated], limit: 100_000))
        XCTAssertGreaterThan(translated.count, 0)
        await reopened.close()
        try await PostgresLedgerStore.dropSchema(url: url)
    }
}
