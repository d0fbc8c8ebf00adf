import Foundation
import Ledger
import Pipeline
import XCTest

@testable import OpsConsole

/// Grouping cases by stage and reason, the trend, and sync statistics from audit rows.
final class CaseGroupTests: XCTestCase {
    private let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func value(_ id: Int64, stage: String, reason: String, state: CaseState, hoursAgo: Double) -> DeadLetterCase
    {
        var value = DeadLetterCase(
            id: id,
            arrival: CaseArrival(
                orderKey: "shopify:\(id)", channel: "shopify", eventID: "e\(id)", traceID: nil,
                provenance: CaseProvenance(
                    sourceTopic: "p.dead-letter", sourcePartition: 0, sourceOffset: id, stage: stage,
                    reasonCode: reason, reasonDetail: "detail \(id)"),
                payload: CasePayload(key: nil, value: nil, headers: []),
                seenAt: now.addingTimeInterval(-hoursAgo * 3600)))
        value.state = state
        return value
    }

    func testCasesAreGroupedByStageAndReasonWithCountsAndTrend() {
        let groups = CaseGroup.groups(
            [
                value(1, stage: "dispatch", reason: "erp-unavailable", state: .open, hoursAgo: 0.1),
                value(2, stage: "dispatch", reason: "erp-unavailable", state: .open, hoursAgo: 0.5),
                value(3, stage: "dispatch", reason: "erp-unavailable", state: .resolved, hoursAgo: 1.5),
                value(4, stage: "validate", reason: "unmapped-status", state: .discarded, hoursAgo: 2),
                value(5, stage: "validate", reason: "unmapped-status", state: .discarded, hoursAgo: 30),
                value(6, stage: "validate", reason: "unmapped-status", state: .discarded, hoursAgo: 3),
                value(7, stage: "translate", reason: "unmapped-status", state: .open, hoursAgo: 5),
            ], now: now)
        XCTAssertEqual(
            groups.map(\.id), ["dispatch/erp-unavailable", "translate/unmapped-status", "validate/unmapped-status"])
        XCTAssertEqual(groups[0].open, 2)
        XCTAssertEqual(groups[0].counts[.resolved], 1)
        XCTAssertEqual(groups[0].total, 3)
        XCTAssertEqual(groups[0].trend.suffix(2), [1, 2])
        XCTAssertEqual(groups[0].direction, "up")
        XCTAssertEqual(groups[0].sample, "detail 1", "the newest case's detail")
        XCTAssertEqual(groups[2].trend.reduce(0, +), 2, "a case older than 24 h is outside the trend")
        XCTAssertEqual(groups[2].open, 0)
    }

    func testSyncStatsCountSuccessesFailuresAndTimeToSync() {
        func row(_ hop: AuditHop, _ trace: String, secondsAgo: Double, status: Int? = nil) -> AuditRecord {
            AuditRecord(
                time: now.addingTimeInterval(-secondsAgo), hop: hop, orderKey: "shopify:1", eventID: "e-\(trace)",
                stage: "x", httpStatus: status, traceID: trace)
        }
        let stats = SyncStats.compute(
            [
                row(.received, "a", secondsAgo: 100), row(.dispatched, "a", secondsAgo: 98, status: 200),
                row(.received, "b", secondsAgo: 50), row(.dispatched, "b", secondsAgo: 40, status: 204),
                row(.received, "c", secondsAgo: 30), row(.dispatched, "c", secondsAgo: 29, status: 503),
                row(.deadLettered, "c", secondsAgo: 5),
            ], now: now, window: 3600, buckets: 12)
        XCTAssertEqual(stats.successes, 2)
        XCTAssertEqual(stats.failures, 1)
        XCTAssertEqual(stats.successRate ?? -1, 2.0 / 3.0, accuracy: 1e-9)
        XCTAssertEqual(stats.durations, [2, 10])
        XCTAssertEqual(stats.quantile(0.5), 2)
        XCTAssertEqual(stats.quantile(0.99), 10)
        XCTAssertEqual(stats.perBucket.last, 2)
    }
}

/// A NetSuite sales order's external id back into its order key.
final class ERPOrderLookupTests: XCTestCase {
    func testExternalIDsDecodeToOrderKeys() {
        XCTAssertEqual(ERPOrderLookup.orderKey(externalID: "so-shopify-5600000000000"), "shopify:5600000000000")
        XCTAssertEqual(
            ERPOrderLookup.orderKey(externalID: "so-amazon-114_2d3941689_2d8772232"), "amazon:114-3941689-8772232")
        XCTAssertNil(ERPOrderLookup.orderKey(externalID: "cd-shopify-1-ch_5f3"))
        XCTAssertNil(ERPOrderLookup.orderKey(externalID: "so-shopify-1_zz"))
        XCTAssertNil(ERPOrderLookup.orderKey(externalID: "so-shopify"))
    }
}
