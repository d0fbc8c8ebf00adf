/// Generates realistic order lifecycles on a `StorefrontStore`: checkout (paid or pending), edits,
/// payment, and one of cancel-and-refund, ship-partially-then-fully-then-refund, or ship — about ten
/// webhooks per order, in the order Shopify would send them.
public enum StorefrontScenario {
    /// Creates `orders` orders with lifecycles chosen by `seed`; returns their webhooks in order.
    public static func lifecycles(store: StorefrontStore, orders: Int, seed: UInt64 = 3) async throws
        -> [WebhookDelivery]
    {
        var random = SeededRandom(seed: seed)
        var deliveries: [WebhookDelivery] = []
        for _ in 0..<max(0, orders) {
            let paidAtCheckout = random.next() % 4 == 0
            let (id, created) = await store.createOrder(paid: paidAtCheckout)
            deliveries += created
            var actions: [StorefrontAction] = [.editTags("vip"), .editTags("vip,newsletter")]
            if !paidAtCheckout { actions.append(.pay) }
            switch random.next() % 5 {
            case 0:
                actions += [.editTags("gift"), .cancel(reason: "customer"), .refund(full: true)]
            case 1:
                actions += [.fulfillPartially, .fulfill, .refund(full: false), .refund(full: true)]
            default:
                actions += [.editTags("priority"), .fulfillPartially, .fulfill, .editTags("delivered")]
            }
            for action in actions { deliveries += try await store.apply(action, to: id) }
        }
        return deliveries
    }
}
