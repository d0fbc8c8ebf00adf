import Foundation
import OrderModel

extension ReconcileJob {
    /// Compares the content of the orders whose statuses agree (issue 24): when the channel's complete
    /// content names other lines than the ERP's sales order was written with (its lines digest), the
    /// sales order is read (one GET) and its lines and amounts compared (``ContentDrift``). Named
    /// differences make a content-drift verdict: per the policy's `content-drift` action while the ERP
    /// shows nothing fulfilled (the repair makes dispatch rewrite the lines), a case once something is
    /// (the ERP cannot un-ship). A sales order written without lines is left to dispatch.
    func checkContent(_ compared: [Compared]) async throws -> [Compared] {
        var result = compared
        for index in result.indices {
            let item = result[index]
            guard item.verdict.action == nil,
                let found = try await ContentDrift.check(item.channel.facts.content, view: item.erp, erp: erp)
            else { continue }
            let classification = MismatchClassification.contentDrift(differences: found.differences)
            var evidence = found.differences
            evidence.append(
                found.fulfilled
                    ? "sales order \(found.salesOrderID) is already fulfilled: review (the ERP cannot un-ship)"
                    : "nothing fulfilled: the sales order's lines are rewritten")
            let action = found.fulfilled ? ReconcileAction.flag : settings.policy.action(for: classification)
            result[index].verdict = ReconcileVerdict(
                report: MismatchReport(
                    key: item.snapshot.key, classification: classification,
                    remediation: found.fulfilled ? .manualReview : .triggerSync, evidence: evidence),
                action: action)
        }
        return result
    }
}
