extension ERPView {
    /// The view after `effect` landed (so the next change of the order plans against it without
    /// reading the ERP again). `salesOrderID`: the sales order's internal id, for a view that did
    /// not exist yet. Pure.
    public static func applying(_ effect: ERPEffect, to view: ERPView?, salesOrderID: String) -> ERPView {
        var next =
            view
            ?? ERPView(
                salesOrderID: salesOrderID, channelKey: effect.orderKey, status: .pendingApproval,
                dimensions: OrderDimensions())
        switch effect.kind {
        case .salesOrderStatus:
            let write = SalesOrderWrite(for: effect.status ?? .pendingApproval)
            next.status = write.shown(after: view?.status)
            next.appliedVersion = max(next.appliedVersion ?? effect.version, effect.version)
            if view == nil, let content = effect.content, content.isComplete { next.linesDigest = content.linesDigest }
        case .salesOrderLines:
            next.linesDigest = effect.content?.linesDigest
        case .payment:
            next.records.insert(effect.record)
            if let reference = effect.paymentReference { next.paymentReferences.append(reference) }
        case .fulfilment:
            next.records.insert(effect.record)
            // NetSuite derives the status from the fulfilments: F once one ships every open line.
            if [.pendingApproval, .pendingFulfillment, .partiallyFulfilled].contains(next.status) {
                next.status = effect.leavesLinesOpen == true ? .partiallyFulfilled : .pendingBilling
            }
            next.trackingNumbers += effect.trackingNumbers
        case .returnAuthorization:
            next.records.insert(effect.record)
        case .creditMemo:
            next.records.insert(effect.record)
            if let refund = effect.refundID { next.creditMemoIDs.append(refund) }
        }
        return next
    }
}
