import DriftlessTesting
import Foundation
import Logging
import XCTest

@testable import Ledger

/// Opening a ledger written by an older build applies the missing migrations to its data.
final class SQLiteUpgradeTests: XCTestCase {
    func testVersion3MovesLegacyPollerRowsIntoCheckpoints() async throws {
        let directory = try LedgerTestServices.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("old.db").path
        let checkpoint = Date(timeIntervalSince1970: 1_795_000_123.5)

        // A ledger at schema 2, where the poller kept its checkpoint as a reserved order-state row.
        let old = try SQLiteLedgerStore(
            options: .init(path: path), logger: Logger(label: "test"), migrations: Array(LedgerMigration.all.prefix(2)))
        let oldVersions = try await old.schemaVersions()
        XCTAssertEqual(oldVersions, [1, 2])
        try await old.saveStates([
            OrderStateRecord(
                orderKey: "poller:amazon-eu", system: "poller", state: "CHECKPOINT", version: 1_795_000_123_500,
                sourceTimestamp: checkpoint),
            OrderStateRecord(orderKey: "shopify:1", system: "shopify", state: "PAYMENT_CAPTURED", version: 3),
        ])
        await old.close()

        let upgraded = try await Ledger.open(url: "sqlite://\(path)")
        let versions = try await upgraded.schemaVersions()
        XCTAssertEqual(versions, LedgerMigration.all.map(\.version))
        let moved = try await upgraded.loadCheckpoint("poller:amazon-eu")
        XCTAssertEqual(moved?.timeIntervalSince1970 ?? 0, checkpoint.timeIntervalSince1970, accuracy: 0.000_001)
        let reserved = try await upgraded.loadState(order: "poller:amazon-eu", system: "poller")
        XCTAssertNil(reserved, "the reserved row is gone from order_states")
        let order = try await upgraded.loadState(order: "shopify:1", system: "shopify")
        XCTAssertEqual(order?.version, 3, "order states are untouched")
        await upgraded.close()
    }
}
