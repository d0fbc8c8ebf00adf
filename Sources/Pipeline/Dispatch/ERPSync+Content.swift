import OrderModel

extension ERPSync {
    /// The record content `effect` carries (see ``ERPRecordContent``); empty without content.
    func contentFields(_ effect: ERPEffect) -> [String: Any] {
        guard let content = effect.content else { return [:] }
        let mapping = client.contentMapping
        let channel = effect.orderKey.channel
        switch effect.kind {
        case .salesOrderStatus, .salesOrderLines:
            guard content.isComplete else { return [:] }
            return ERPRecordContent.salesOrderContent(content, channel: channel, mapping: mapping)
        case .fulfilment:
            guard let tracking = effect.trackingNumbers.first else { return [:] }
            return ERPRecordContent.fulfilmentContent(content, tracking: tracking, mapping: mapping)
        case .payment:
            guard let reference = effect.paymentReference else { return [:] }
            return ERPRecordContent.depositContent(content, reference: reference, channel: channel, mapping: mapping)
        case .creditMemo:
            guard let refund = effect.refundID else { return [:] }
            return ERPRecordContent.creditMemoContent(content, refundID: refund, mapping: mapping)
        case .returnAuthorization:
            return [:]
        }
    }
}
