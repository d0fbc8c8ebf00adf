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

    // MARK: Retry envelope (retry tiers and dead-letter topic; replaced on every hop, never appended)
    /// Failed dispatch rounds so far.
    public static let attempts = "dl-attempts"
    /// When the first round failed (RFC 3339).
    public static let firstFailure = "dl-first-failure"
    /// The last HTTP status (absent when there was no answer).
    public static let lastStatus = "dl-last-status"
    /// The last error, at most 200 characters.
    public static let lastError = "dl-last-error"
    /// The failing ERP effect id.
    public static let effectID = "dl-effect-id"
    /// The retry tier (`10s`, `1m`, …).
    public static let tier = "dl-tier"
    /// When a retry record is due (RFC 3339 with milliseconds).
    public static let due = "dl-due"
    /// The dead-letter case a replayed record belongs to.
    public static let caseID = "dl-case-id"
    /// The hold generation a retry record was written for (see ``RetryHeaders``): a record of
    /// another generation than its order's hold is stale.
    public static let holdGeneration = "dl-hold-generation"

    // MARK: Replay (`driftless dlq replay`; see "Dead-letter stage" in docs/ARCHITECTURE.md)
    /// Headers a replay removes before re-entering a record at the stage that failed: provenance,
    /// the retry envelope and an earlier case id (the replay adds its own `dl-case-id`).
    public static let strippedOnReplay: Set<String> = [
        stage, reason, originalTopic, originalPartition, originalOffset, attempts, firstFailure, lastStatus,
        lastError, effectID, tier, due, caseID, holdGeneration,
    ]
}
