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
            guard item.verdict.action == nil, let view = item.erp, let written = view.linesDigest,
                let content = item.channel.facts.content, content.isComplete, !content.effectiveLines.isEmpty,
                content.linesDigest != written
            else { continue }
            guard let lines = try await salesOrderLines(view.salesOrderID) else { continue }
            // Lines the answer did not carry cannot be compared: the digests name the difference.
            let differences =
                lines.sublistRead
                ? ContentDrift.differences(channel: content, erp: lines, mapping: erp.sync.client.contentMapping)
                : [
                    "lines digest: channel \(content.linesDigest), ERP \(written) (the sales order's lines were not read)"
                ]
            guard !differences.isEmpty else { continue }
            let fulfilled = view.records.contains(.itemFulfillment) || !view.trackingNumbers.isEmpty
            let classification = MismatchClassification.contentDrift(differences: differences)
            var evidence = differences
            evidence.append(
                fulfilled
                    ? "sales order \(view.salesOrderID) is already fulfilled: review (the ERP cannot un-ship)"
                    : "nothing fulfilled: the sales order's lines are rewritten")
            let action = fulfilled ? ReconcileAction.flag : settings.policy.action(for: classification)
            result[index].verdict = ReconcileVerdict(
                report: MismatchReport(
                    key: item.snapshot.key, classification: classification,
                    remediation: fulfilled ? .manualReview : .triggerSync, evidence: evidence),
                action: action)
        }
        return result
    }

    /// The sales order `id`'s lines (a GET of the record, retried as the view's reads are); nil when
    /// the ERP no longer has it or its body does not read.
    private func salesOrderLines(_ id: String) async throws -> ERPSalesOrderLines? {
        let (outcome, body) = await erp.send(.record(type: ERPRecordType.salesOrder.rawValue, id: id))
        switch outcome {
        case .done: return body.flatMap(ERPSalesOrderLines.read)
        case .permanent(404, _, _): return nil
        default: throw ERPViewReader.error(outcome)
        }
    }
}
