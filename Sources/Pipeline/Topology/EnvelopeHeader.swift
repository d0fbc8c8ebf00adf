/// The record header names of the pipeline envelope (UTF-8 values), exactly as in ARCHITECTURE.md.
public enum EnvelopeHeader {
    /// Deterministic event id (Shopify webhook id, Amazon order id + LastUpdateDate, …).
    public static let eventID = "dl-event-id"
    /// `shopify`, `amazon` or `erp`.
    public static let channel = "dl-channel"
    /// The channel's order id.
    public static let orderID = "dl-order-id"
    /// What the payload is, e.g. `orders/updated`, `amazon/order`.
    public static let kind = "dl-kind"
    /// When Driftless received it (RFC 3339).
    public static let receivedAt = "dl-received-at"
    /// The channel's own timestamp of the change (RFC 3339).
    public static let sourceTimestamp = "dl-source-ts"
    /// Trace id carried through every hop.
    public static let traceID = "dl-trace-id"
    /// On `<p>.validated` only: the `ChannelObservation` validate decoded from the payload (compact
    /// JSON), so translate does not parse the channel payload again. The payload stays unchanged.
    public static let observation = "dl-observation"

    // MARK: Quarantine provenance
    /// The stage that refused the record (`validate`, `translate`).
    public static let stage = "dl-stage"
    /// Why it was refused (human-readable, one line).
    public static let reason = "dl-reason"
    /// Topic the refused record was read from.
    public static let originalTopic = "dl-orig-topic"
    /// Partition the refused record was read from.
    public static let originalPartition = "dl-orig-partition"
    /// Offset of the refused record.
    public static let originalOffset = "dl-orig-offset"
}
