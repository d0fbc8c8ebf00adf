import Foundation

extension ChannelTranslator {
    /// A Shopify `orders/edited` body → an observation that changes no dimension and carries the
    /// committed edit as content (its position is the edit's `committed_at`). The event id defaults
    /// to `edit:<order_edit.id>`.
    public func translate(_ edit: ShopifyOrderEdit, eventID: String?, kind: String? = nil) -> ChannelObservation {
        ChannelObservation(
            key: OrderKey(channel: .shopify, orderID: edit.orderID), eventID: eventID ?? "edit:\(edit.edit.id)",
            kind: kind ?? ShopifyOrderEdit.topic, sourceTimestamp: edit.edit.committedAt.date, version: nil,
            dimensions: .initial, facts: OrderFacts(content: OrderContent(edit: edit.edit)))
    }

    /// The content of a Shopify order body; nil when a part of it does not read (the order's status
    /// still flows; the sales order then cannot be written with lines, which the ERP refuses and
    /// reconciliation reports — the body itself was accepted by `ShopifyOrder.decode`).
    static func content(of payload: [UInt8], maxBytes: Int) -> OrderContent? {
        try? ShopifyOrderContent.decode(from: payload, maxBytes: maxBytes)
    }
}
