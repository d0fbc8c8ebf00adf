import Foundation
import Logging
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// Issue 23: one ``ERPAccess`` per process. Dispatch, retry and reconciliation reads running at once
/// in one process share one client — one OAuth 2.0 grant for the token's lifetime — and one
/// concurrency limit, which the ERP simulator never sees exceeded.
final class ERPAccessSharingTests: XCTestCase {
    func testDispatchRetryAndReconcileShareOneTokenAndOneConcurrencyLimit() async throws {
        let rig = try await DispatchRig.start(name: "erp-access", seed: 23, auth: .oauth2, tokenLifetime: 3600)
        rig.erp.faults.update { $0.latency = .milliseconds(15) }  // requests overlap, so the limit matters
        let limit = 3
        var logger = Logger(label: "erp-access-test")
        logger.logLevel = .warning
        let configuration = rig.erpConfiguration(maxConcurrentRequests: limit, timeout: .seconds(5))
        let access = try ERPAccess(configuration: configuration, policy: DispatchRig.fastPolicy, logger: logger)
        let stream = CanonicalLifecycles.make(
            orders: 40, seed: 23, duplicateRatio: 0, matrix: try MappingMatrix.default)
        try await rig.publish(stream)
        let dispatch = try DispatchStage(
            kafka: rig.rig.broker.consumerConfig(), topics: rig.topics, erp: configuration,
            policy: DispatchRig.fastPolicy, sink: rig.producer, audit: LedgerAuditSink(writer: rig.rig.writer),
            parking: rig.parking(), access: access, replica: "dispatch-shared", logger: logger)
        let retry = try RetryStage(
            kafka: rig.rig.broker.consumerConfig(), topics: rig.topics, erp: configuration,
            policy: DispatchRig.fastPolicy, sink: rig.producer, audit: LedgerAuditSink(writer: rig.rig.writer),
            parking: rig.parking(), access: access, replica: "retry-shared", logger: logger)
        XCTAssertTrue(dispatch.gate === access.gate && retry.gate === access.gate, "one breaker")
        let reader = ERPViewReader(sync: access.sync, stats: ReconcileAPIStats(), gate: access.gate)
        let dispatching = Task { await dispatch.run() }
        let retrying = Task { await retry.run() }
        // Reconciliation reading the orders' views meanwhile, four at a time.
        let keys = Array(Set(stream.map(\.orderKey))).sorted { $0.description < $1.description }
        let reads = try await withThrowingTaskGroup(of: Int.self) { group in
            for lane in 0..<4 {
                group.addTask {
                    var read = 0
                    for (index, key) in keys.enumerated() where index % 4 == lane {
                        _ = try await reader.view(of: key)
                        read += 1
                    }
                    return read
                }
            }
            return try await group.reduce(0, +)
        }
        let consumed = await eventually(timeout: .seconds(120)) { dispatch.counters.snapshot.consumed >= stream.count }
        dispatch.stop()
        retry.stop()
        await dispatching.value
        await retrying.value
        XCTAssertTrue(consumed, "consumed \(dispatch.counters.snapshot.consumed) of \(stream.count)")
        XCTAssertEqual(reads, keys.count)
        let granted = rig.erp.tokenCounts.granted
        let highWater = rig.erp.faults.concurrencyHighWaterMark
        let requests = rig.erp.statusCounts.values.reduce(0, +)
        await rig.finish()
        XCTAssertEqual(granted, 1, "one OAuth 2.0 grant for the process within the token's lifetime")
        XCTAssertLessThanOrEqual(highWater, limit, "never more than maxConcurrentRequests at the ERP")
        XCTAssertGreaterThan(highWater, 1, "the stages did overlap")
        print(
            "one ERPAccess: \(requests) requests, \(granted) OAuth grant(s), at most \(highWater) at once (limit \(limit))"
        )
    }
}
