import Foundation
import OrderModel

extension ReconcileJob {
    /// Compares the content of the orders whose statuses agree (issue 24): when the channel's complete
    /// content names other lines than the ERP's sales order was written with (its lines digest), the
    /// sales order is read (one GET) and its lines and amounts compared (``ContentDrift``). Named
    /// differences make a content-drift verdict: per the policy's `content-drift` action while the ERP
    /// shows nothing fulfilled (the repair makes dispatch rewrite the lines), a case once something is
    /// (the ERP cannot un-ship). A sales order written without lines is left to dispatch.
    ///
    /// A channel whose listing carries no lines (the marketplace's getOrders) has them read first for
    /// these orders only (``ChannelOrderContentReader``: getOrderItems when `poller.orderItems` is on);
    /// the order's snapshot then carries them, so a correction injects the whole order.
    func checkContent(_ compared: [Compared]) async throws -> [Compared] {
        var result = compared
        for index in result.indices {
            guard result[index].verdict.action == nil else { continue }
            try await attachContent(&result[index])
            let item = result[index]
            guard let found = try await ContentDrift.check(item.channel.facts.content, view: item.erp, erp: erp)
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

    /// Reads the lines of `item`'s order when its channel's listing left them out and the ERP's sales
    /// order was written with lines (else there is nothing to compare them with), and maps it again.
    private func attachContent(_ item: inout Compared) async throws {
        let key = item.snapshot.key
        guard item.channel.facts.content == nil, item.erp?.linesDigest != nil,
            let reader = channels.lazy.compactMap({ $0 as? any ChannelOrderContentReader })
                .first(where: { $0.channel == key.channel })
        else { return }
        let snapshot = try await reader.withContent(item.snapshot)
        guard snapshot.payload != item.snapshot.payload else { return }
        do {
            let observation = try translator.translate(channel: key.channel, payload: snapshot.payload, eventID: nil)
            item.snapshot = snapshot
            item.observation = observation
            item.channel = ChannelView(observation)
        } catch {
            logger.warning(
                "order with its lines not mappable; its content is not compared",
                metadata: ["order": "\(key)", "error": "\(error)"])
        }
    }
}
