/// How the storefront misbehaves when it sends a batch of webhooks, as Shopify can:
/// deliveries dropped, duplicated (same webhook id), arriving late, and out of order.
public struct WebhookFaultPlan: Sendable, Equatable {
    /// Shuffle the whole batch.
    public var shuffle: Bool
    /// Fraction of deliveries sent twice (same `X-Shopify-Webhook-Id`).
    public var duplicateFraction: Double
    /// Fraction of deliveries held back until after everything else ("late").
    public var lateFraction: Double
    /// Fraction of deliveries never sent.
    public var dropFraction: Double
    /// Seed of the plan's random choices.
    public var seed: UInt64

    public init(
        shuffle: Bool = false, duplicateFraction: Double = 0, lateFraction: Double = 0,
        dropFraction: Double = 0, seed: UInt64 = 7
    ) {
        self.shuffle = shuffle
        self.duplicateFraction = duplicateFraction
        self.lateFraction = lateFraction
        self.dropFraction = dropFraction
        self.seed = seed
    }

    /// No faults: in order, once each.
    public static let none = WebhookFaultPlan()

    /// What the plan did to a batch.
    public struct Outcome: Sendable {
        /// The deliveries in sending order (duplicates included, drops removed).
        public var schedule: [WebhookDelivery]
        /// Deliveries sent twice.
        public var duplicated: [WebhookDelivery]
        /// Deliveries moved to the end.
        public var late: [WebhookDelivery]
        /// Deliveries never sent.
        public var dropped: [WebhookDelivery]
    }

    /// Applies the plan to `deliveries`.
    public func apply(to deliveries: [WebhookDelivery]) -> Outcome {
        var random = SeededRandom(seed: seed)
        func roll(_ fraction: Double) -> Bool {
            fraction > 0 && Double(random.next() % 1_000_000) / 1_000_000 < fraction
        }
        var main: [WebhookDelivery] = []
        var late: [WebhookDelivery] = []
        var dropped: [WebhookDelivery] = []
        var duplicated: [WebhookDelivery] = []
        for delivery in deliveries {
            if roll(dropFraction) {
                dropped.append(delivery)
                continue
            }
            if roll(lateFraction) { late.append(delivery) } else { main.append(delivery) }
            if roll(duplicateFraction) { duplicated.append(delivery) }
        }
        if shuffle { main.shuffle(using: &random) }
        // Duplicates land at a random later point of the main schedule.
        for duplicate in duplicated {
            let position = main.isEmpty ? 0 : Int(random.next() % UInt64(main.count + 1))
            main.insert(duplicate, at: position)
        }
        if shuffle { late.shuffle(using: &random) }
        return Outcome(schedule: main + late, duplicated: duplicated, late: late, dropped: dropped)
    }
}
