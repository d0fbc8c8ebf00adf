import DriftlessTesting
import Foundation
import Kafka
import Logging
import OrderModel
@testable import Pipeline
import Simulators
import XCTest

/// Issue 23, "requests per order before and after": the ERP calls one dispatch replica makes for
/// realistic order lifecycles (``CanonicalLifecycles``: about ten status and record changes per
/// order, both channels), counted by the ERP simulator by kind — reads (records, collections,
/// SuiteQL pages), writes (upserts, transforms, record actions) and polls of asynchronous jobs —
/// and printed per 1,000 orders. No faults, so the numbers are the integration's own cost.
final class ERPCallsMeasurement: XCTestCase {
    func testERPCallsPerThousandOrders() async throws {
        let orders = 200
        let rig = try await DispatchRig.start(name: "erp-calls", seed: 71, auth: .bearer)
        let stream = CanonicalLifecycles.make(
            orders: orders, seed: 71, duplicateRatio: 0, matrix: try MappingMatrix.default)
        try await rig.publish(stream)
        let stage = try rig.stage(replica: "dispatch-calls", timeout: .seconds(5))
        let running = Task { await stage.run() }
        let consumed = await waitMakingProgress(progress: { stage.counters.snapshot.consumed }) {
            stage.counters.snapshot.consumed >= stream.count
        }
        stage.stop()
        await running.value
        XCTAssertTrue(consumed.isDone, "consumed \(stage.counters.snapshot.consumed) of \(stream.count): \(consumed)")
        let counts = stage.counters.snapshot
        XCTAssertEqual(counts.quarantined + counts.refused + counts.exhausted, 0)
        let kinds = rig.erp.requestKinds
        await rig.finish()
        let reads = kinds["read"] ?? 0, writes = kinds["write"] ?? 0, polls = kinds["poll"] ?? 0
        XCTAssertGreaterThan(writes, orders, "every order was written")
        // The budget: one SuiteQL query for each order's view (a new order's is one query), at most one
        // more per order for a credit memo's return authorization; every asynchronous write polled.
        XCTAssertLessThanOrEqual(reads, 2 * orders, "reads per order")
        XCTAssertGreaterThanOrEqual(polls, writes, "every asynchronous write followed to its job's end")
        let scale = 1_000.0 / Double(orders)
        print(
            "ERP calls per 1,000 orders (\(stream.count) events for \(orders) orders, scaled): "
                + "reads \(Int(Double(reads) * scale)), writes \(Int(Double(writes) * scale)), "
                + "job polls \(Int(Double(polls) * scale)), total \(Int(Double(reads + writes + polls) * scale))")
        for (kind, count) in kinds.sorted(by: { $0.key < $1.key }) where kind.hasPrefix("suiteql ") {
            print("  \(Int(Double(count) * scale)) × \(kind)")
        }
    }
}
