import DriftlessTesting
import Foundation
import Ledger
import Logging
import XCTest

@testable import Pipeline

/// Issue 25 items 8 and 11: the resolver resolves a replayed case only when the stage that failed
/// has succeeded, and checks every replayed case in bounded passes (none left behind past 10,000).
final class CaseResolverTests: XCTestCase {
    private var directory: URL?

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func store() async throws -> any LedgerStore & CaseStore {
        let directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-resolver")
        self.directory = directory
        let store = try await Ledger.open(url: "sqlite://" + directory.appendingPathComponent("ledger.db").path)
        return try XCTUnwrap(store as? any LedgerStore & CaseStore)
    }

    private func arrival(_ n: Int64, stage: String) -> CaseArrival {
        CaseArrival(
            orderKey: "shopify:\(n)", channel: "shopify", eventID: "e-\(n)", traceID: nil,
            provenance: CaseProvenance(
                sourceTopic: "resolver.dead-letter", sourcePartition: 0, sourceOffset: n,
                originalTopic: "resolver.canonical", originalPartition: 0, originalOffset: n, stage: stage,
                reasonCode: "erp-refused", reasonDetail: ""),
            payload: CasePayload(key: nil, value: Data("{}".utf8), headers: []))
    }

    private func row(_ hop: AuditHop, _ n: Int64, stage: String, at time: Date, status: Int? = nil) -> AuditRecord {
        AuditRecord(
            time: time, hop: hop, orderKey: "shopify:\(n)", channel: "shopify", eventID: "e-\(n)", stage: stage,
            replica: "test", httpStatus: status)
    }

    /// A reconciliation case (its drift is in the ERP) is resolved by the ERP write landing, not by
    /// validate seeing the re-injected order.
    func testResolvedOnlyWhenTheFailedStageSucceeded() async throws {
        let store = try await store()
        defer { Task { await store.close() } }
        let resolver = CaseResolver(cases: store, ledger: store, logger: Logger(label: "test"))
        let replayedAt = Date()
        var ids: [String: Int64] = [:]
        for (n, stage) in [(1, "reconcile"), (2, "dispatch"), (3, "validate")] as [(Int64, String)] {
            let id = try await store.recordCase(arrival(n, stage: stage)).caseID
            _ = try await store.transitionCase(
                id: id, to: .replayed, actor: "ana", reason: nil, at: replayedAt, allowedFrom: [.open])
            ids[stage] = id
            try await store.append([
                row(.validated, n, stage: "validate", at: replayedAt.addingTimeInterval(1)),
                row(.translated, n, stage: "translate", at: replayedAt.addingTimeInterval(2)),
                row(.dispatched, n, stage: "dispatch", at: replayedAt.addingTimeInterval(3), status: 503),
            ])
        }
        let first = try await resolver.resolveOnce()
        XCTAssertEqual(first, [ids["validate"]].compactMap { $0 }, "validated resolves only a validate case")

        for n: Int64 in [1, 2] {
            try await store.append(
                row(.dispatched, n, stage: "dispatch", at: replayedAt.addingTimeInterval(4), status: 200))
        }
        let second = try await resolver.resolveOnce()
        XCTAssertEqual(Set(second), Set([ids["reconcile"], ids["dispatch"]].compactMap { $0 }))
    }

    /// More than 10,000 replayed cases: passes are bounded and go round, so the newest is checked too.
    func testEveryReplayedCaseIsCheckedPastTenThousand() async throws {
        let store = try await store()
        defer { Task { await store.close() } }
        let resolver = CaseResolver(cases: store, ledger: store, logger: Logger(label: "test"))
        let replayedAt = Date()
        var newest: Int64 = 0
        for n in Int64(1)...10_050 {
            newest = try await store.recordCase(arrival(n, stage: "validate")).caseID
            _ = try await store.transitionCase(
                id: newest, to: .replayed, actor: "ana", reason: nil, at: replayedAt, allowedFrom: [.open])
        }
        try await store.append(row(.validated, 10_050, stage: "validate", at: replayedAt.addingTimeInterval(1)))
        var resolved: [Int64] = []
        for _ in 0..<40 where resolved.isEmpty {
            resolved = try await resolver.resolveOnce()
        }
        XCTAssertEqual(resolved, [newest], "the newest replayed case is checked within a bounded number of passes")
    }
}
