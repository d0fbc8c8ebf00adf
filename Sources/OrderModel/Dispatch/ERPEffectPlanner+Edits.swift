extension ERPEffectPlanner {
    /// What a difference between the order's lines and the lines the ERP's sales order was written
    /// with calls for.
    public enum EditDecision: Hashable, Sendable {
        /// The lines agree (or the content is not complete yet: an edit's added line awaits its body).
        case none
        /// Replace the sales order's lines (nothing fulfilled yet): the effect, named by the new
        /// lines' digest so the same edit is written once.
        case edit(ERPEffect)
        /// Something is fulfilled already: the ERP cannot un-ship, a person decides.
        case review(String)
    }

    /// The decision for `facts`' content against `view` (issue 24: an edit before any fulfilment
    /// updates the lines once; after fulfilment it becomes a case for review). Pure.
    public static func editDecision(
        orderKey: OrderKey, version: Int64, facts: OrderFacts, view: ERPView
    ) -> EditDecision {
        guard let content = facts.content, content.isComplete else { return .none }
        let digest = content.linesDigest
        guard digest != view.linesDigest else { return .none }
        let fulfilled = view.records.contains(.itemFulfillment) || !view.trackingNumbers.isEmpty
        // A sales order written without lines (before the content was known, or by an older version):
        // its lines are written while nothing is shipped; after that there is nothing to compare with.
        guard let written = view.linesDigest else {
            return fulfilled ? .none : .edit(effect(content, orderKey, version))
        }
        if fulfilled {
            return .review(
                "the channel's lines changed (digest \(written) → \(digest)) after the ERP "
                    + "fulfilled part of sales order \(view.salesOrderID); review the order")
        }
        return .edit(effect(content, orderKey, version))
    }

    /// The `salesOrderLines` effect writing `content`'s lines, named by their digest.
    private static func effect(_ content: OrderContent, _ orderKey: OrderKey, _ version: Int64) -> ERPEffect {
        var effect = ERPEffect(
            kind: .salesOrderLines, orderKey: orderKey, version: version,
            id: "\(orderKey)#\(ERPEffect.Kind.salesOrderLines.rawValue)#\(content.linesDigest)", record: .salesOrder,
            externalID: ERPEffect.externalID("so", orderKey.channel.rawValue, orderKey.orderID))
        effect.content = content
        return effect
    }
}
