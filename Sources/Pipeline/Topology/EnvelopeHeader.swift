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

    // MARK: Dead letters (dispatch / retry; see "Dead-letter stage" in docs/ARCHITECTURE.md)
    /// How many attempts were made (integer).
    public static let attempts = "dl-attempts"
    /// When the first attempt failed (RFC 3339).
    public static let firstFailure = "dl-first-failure"
    /// HTTP status of the last attempt (absent when there was none, e.g. a timeout).
    public static let lastStatus = "dl-last-status"
    /// The last error (at most 200 characters).
    public static let lastError = "dl-last-error"
    /// The failing ERP effect id (absent if none).
    public static let effectID = "dl-effect-id"
    /// The last retry tier (absent if the record never went to retry).
    public static let tier = "dl-tier"
    /// On a record `driftless dlq replay` re-entered: the case it came from, so a new failure
    /// reopens that case instead of making another.
    public static let caseID = "dl-case-id"

    /// Headers a replay removes before re-entering a record at the stage that failed: provenance,
    /// the attempt history and an earlier case id (the replay adds its own).
    public static let strippedOnReplay: Set<String> = [
        stage, reason, originalTopic, originalPartition, originalOffset, attempts, firstFailure, lastStatus,
        lastError, effectID, tier, caseID,
    ]
}
