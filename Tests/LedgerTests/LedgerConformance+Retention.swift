import Foundation
import Ledger
import XCTest

/// Issue 25 item 8: retention covers every table that grows — closed cases (and their source rows),
/// reconciliation findings and the per-run `reconcile:<run>:*` checkpoints — on every backend; open
/// cases, order states and the other checkpoints are kept.
extension LedgerConformance {
    func purgeCoversCasesFindingsAndRunCheckpoints() async throws {
        let (store, url) = try await open()
        defer { Task { await store.close() } }
        guard let full = store as? any LedgerStore & CaseStore & ReconcileStore else {
            throw LedgerError.invalidArgument("\(url) keeps no cases or findings")
        }
        let now = Date()
        let old = now.addingTimeInterval(-100 * 86_400)
        func arrival(_ n: Int64, at seen: Date) -> CaseArrival {
            CaseArrival(
                orderKey: "shopify:\(n)", channel: "shopify", eventID: "e-\(n)", traceID: nil,
                provenance: CaseProvenance(
                    sourceTopic: "retention.quarantine", sourcePartition: 0, sourceOffset: n,
                    originalTopic: "retention.ingest.raw", originalPartition: 0, originalOffset: n, stage: "validate",
                    reasonCode: "unmapped-status", reasonDetail: ""),
                payload: CasePayload(key: nil, value: Data("{}".utf8), headers: []), seenAt: seen)
        }
        let closedOld = try await full.recordCase(arrival(1, at: old)).caseID
        _ = try await full.transitionCase(
            id: closedOld, to: .discarded, actor: "t", reason: "test", at: old, allowedFrom: [.open])
        let openOld = try await full.recordCase(arrival(2, at: old)).caseID
        let closedRecently = try await full.recordCase(arrival(3, at: old)).caseID
        _ = try await full.transitionCase(
            id: closedRecently, to: .resolved, actor: "t", reason: nil, at: now, allowedFrom: [.open])
        try await full.recordFindings([
            ReconcileFinding(
                runID: "r-old", orderKey: "shopify:1", classification: "other-drift", action: "flag",
                outcome: "flagged",
                channelState: "paid", erpState: nil, evidence: "", foundAt: old),
            ReconcileFinding(
                runID: "r-new", orderKey: "shopify:1", classification: "other-drift", action: "flag",
                outcome: "flagged",
                channelState: "paid", erpState: nil, evidence: "", foundAt: now),
        ])
        for name in ["reconcile:r-old:shopify", "reconcile:r-old:erp", "reconcile:daily", "poller:amazon"] {
            try await full.advanceCheckpoint(name, to: old)
        }

        let result = try await full.purge(olderThan: now.addingTimeInterval(-30 * 86_400))
        XCTAssertEqual(result.deleted["cases"], 1, "\(result.deleted)")
        let left = try await full.cases(CaseQuery(limit: 100)).map(\.id)
        XCTAssertEqual(left, [openOld, closedRecently], "open cases and recently closed ones are kept")
        // The purged case's source rows went with it: the same record now makes a new case.
        let again = try await full.recordCase(arrival(1, at: now))
        guard case .created = again else { return XCTFail("source row kept: \(again)") }
        let findings = try await full.findings(runID: nil, since: nil, limit: 100).map(\.runID)
        XCTAssertEqual(findings, ["r-new"])
        for (name, kept) in [
            ("reconcile:r-old:shopify", false), ("reconcile:r-old:erp", false), ("reconcile:daily", true),
            ("poller:amazon", true),
        ] {
            let position = try await full.loadCheckpoint(name)
            XCTAssertEqual(position != nil, kept, name)
        }
    }
}
