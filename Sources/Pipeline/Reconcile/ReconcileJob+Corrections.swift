import Foundation
import Ledger
import OrderModel

extension ReconcileJob {
    /// The corrections earlier runs sent and no run checked yet (looked for over the last 30 days).
    func pendingCorrections(runID: String, now: Date) async throws -> PendingCorrections {
        guard !settings.dryRun else { return PendingCorrections([]) }
        let recent = try await ledger.findings(
            runID: nil, since: now.addingTimeInterval(-PendingCorrections.lookBack), limit: 100_000)
        return PendingCorrections(recent.filter { $0.runID != runID })
    }

    /// Checks the corrections this run's pages did not bring (their order did not change in the
    /// window): reads each order's channel truth by id and its ERP view and acts on them like the
    /// pages' orders, which settles their findings. Orders no channel can look up stay pending.
    func checkPendingCorrections(_ pending: PendingCorrections, runID: String, _ report: inout ReconcileReport)
        async throws
    {
        var lookups: [Channel: any ChannelOrderLookup] = [:]
        for case let lookup as any ChannelOrderLookup in channels where lookups[lookup.channel] == nil {
            lookups[lookup.channel] = lookup
        }
        var wanted: [Channel: [String]] = [:]
        for finding in pending.remaining {
            guard let key = OrderKey(finding.orderKey), lookups[key.channel] != nil else { continue }
            wanted[key.channel, default: []].append(key.orderID)
        }
        guard !wanted.isEmpty else { return }
        let snapshots = try await lookUp(wanted, lookups, &report)
        let compared = try await compare(snapshots, &report)
        try await act(on: compared, runID: runID, pending: pending, &report)
    }

    /// Records the case of a flagged finding and returns its id. The same drift found again while its
    /// case is still open (or replayed) adds nothing to it; found again after its case was resolved or
    /// discarded, it **reopens** that case visibly (a new source, `reconcile/<key>/<classification>/<run>`,
    /// and a history entry), so a recurring drift is never recorded against a closed case unseen.
    func flag(_ arrival: CaseArrival, runID: String) async throws -> Int64 {
        let earlier = try await ledger.cases(
            CaseQuery(
                orderKey: arrival.orderKey, reasonCode: arrival.provenance.reasonCode,
                stage: ReconcileCaseCheck.stage, limit: 10_000))
        guard let latest = earlier.max(by: { $0.id < $1.id }), latest.state == .resolved || latest.state == .discarded
        else { return try await ledger.recordCase(arrival).caseID }
        var again = arrival
        again.reopens = latest.id
        again.provenance.sourceTopic += "/\(runID)"
        return try await ledger.recordCase(again).caseID
    }
}
