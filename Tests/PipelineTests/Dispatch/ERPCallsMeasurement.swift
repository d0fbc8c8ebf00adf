import DriftlessTesting
import Foundation
import Kafka
import Logging
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// Issue 23, "requests per order before and after": the ERP calls one dispatch replica makes for
/// realistic order lifecycles (``CanonicalLifecycles``: about ten status and record changes per
/// order, both channels), counted by the ERP simulator by kind — reads (records, collections,
/// SuiteQL pages), writes (upserts, transforms, record actions) and polls of asynchronous jobs —
/// and printed per 1,000 orders. No faults, so the numbers are the integration's own cost.
final class ERPCallsMeasurement: XCTestCase {
    func testERPCallsPerThousandOrders() async throws {
        let orders = 200
        let all = try await calls(orders: orders, writeMode: .async, name: "erp-calls")
        XCTAssertGreaterThan(all.writes, orders, "every order was written")
        // The budget: one SuiteQL query for each order's view (a new order's is one query), at most one
        // more per order for a credit memo's return authorization; every asynchronous write polled.
        XCTAssertLessThanOrEqual(all.reads, 2 * orders, "reads per order")
        XCTAssertGreaterThanOrEqual(all.polls, all.writes, "every asynchronous write followed to its job's end")

        // `sales-order-async`: the same writes; only the sales order's upserts are followed as jobs, and
        // a synchronous return authorization's `Location` saves the credit memo's lookup.
        let mixed = try await calls(orders: orders, writeMode: .salesOrderAsync, name: "erp-calls-mixed")
        XCTAssertEqual(mixed.writes, all.writes)
        XCTAssertLessThan(mixed.polls, all.polls)
        XCTAssertLessThan(mixed.reads, all.reads, "no lookup of a return authorization a transform named")
        XCTAssertLessThanOrEqual(
            Double(mixed.total), 1.5 * Double(mixed.events), "issue 30: at most 1.5 ERP requests per event")
    }

    private struct Calls {
        var events = 0, reads = 0, writes = 0, polls = 0
        var total: Int { reads + writes + polls }
    }

    private func calls(orders: Int, writeMode: ERPWriteMode, name: String) async throws -> Calls {
        let rig = try await DispatchRig.start(name: name, seed: 71, auth: .bearer)
        let stream = CanonicalLifecycles.make(
            orders: orders, seed: 71, duplicateRatio: 0, matrix: try MappingMatrix.default)
        try await rig.publish(stream)
        let stage = try rig.stage(replica: "dispatch-calls", timeout: .seconds(5), writeMode: writeMode)
        let running = Task { await stage.run() }
        let consumed = await waitMakingProgress(
            progress: { stage.counters.snapshot.consumed },
            until: {
                stage.counters.snapshot.consumed >= stream.count
            })
        stage.stop()
        await running.value
        XCTAssertTrue(consumed.isDone, "consumed \(stage.counters.snapshot.consumed) of \(stream.count): \(consumed)")
        let counts = stage.counters.snapshot
        XCTAssertEqual(counts.quarantined + counts.refused + counts.exhausted, 0)
        let kinds = rig.erp.requestKinds
        await rig.finish()
        let calls = Calls(
            events: stream.count, reads: kinds["read"] ?? 0, writes: kinds["write"] ?? 0, polls: kinds["poll"] ?? 0)
        let scale = 1_000.0 / Double(orders)
        print(
            "ERP calls per 1,000 orders, writeMode \(writeMode.rawValue) (\(stream.count) events for \(orders) orders, "
                + "scaled): reads \(Int(Double(calls.reads) * scale)), writes \(Int(Double(calls.writes) * scale)), "
                + "job polls \(Int(Double(calls.polls) * scale)), total \(Int(Double(calls.total) * scale)), "
                + String(format: "%.2f requests per event", Double(calls.total) / Double(stream.count)))
        for (kind, count) in kinds.sorted(by: { $0.key < $1.key }) where kind.hasPrefix("suiteql ") {
            print("  \(Int(Double(count) * scale)) × \(kind)")
        }
        return calls
    }
}
