/// The Pattern 4 guard for ERP dispatch: "add a pre-fulfilment status check at the WMS boundary".
/// Before sending the ERP a target that would let the warehouse ship, check the channel's latest state.
public enum FulfilmentGuard {
    /// The guard's answer.
    public enum Decision: Hashable, Sendable {
        case allow
        /// Do not release; the reason names the pattern and the channel state.
        case block(reason: String)
    }

    /// True when dispatching `target` would release (or continue) fulfilment in the warehouse.
    public static func releasesFulfilment(_ target: ERPTarget) -> Bool {
        switch target.status {
        case .pendingFulfillment, .partiallyFulfilled, .pendingBillingPartiallyFulfilled: return true
        default: return target.action == .itemFulfillmentCreated
        }
    }

    /// Blocks a fulfilment-releasing target for an order cancelled upstream (or whose lines were all
    /// restocked); everything else is allowed.
    public static func check(target: ERPTarget, channel: OrderDimensions) -> Decision {
        guard releasesFulfilment(target), !channel.allowsFulfilmentRelease else { return .allow }
        return .block(
            reason: "\(MismatchPattern.silentCancellation): order is \(channel.canonicalState.rawValue) "
                + "upstream (\(channel)); not releasing \(target)")
    }
}

extension MismatchClassifier {
    /// Pattern 5 matching: the channel's capture transaction ids that appear on no ERP invoice, cash sale
    /// or customer deposit. Empty when every capture is matched (or there are none).
    public static func unmatchedCaptureIDs(channel: OrderFacts, erp: ERPView) -> [String] {
        let references = Set(erp.paymentReferences)
        return channel.captureTransactionIDs.filter { !references.contains($0) }
    }
}
