import Kafka

/// Provenance of a quarantined record: which stage refused it, why, and where it was read from.
public struct QuarantineInfo: Sendable, Hashable {
    /// `validate` or `translate`.
    public var stage: StageName
    /// One-line reason (machine-friendly prefix, e.g. `unmapped-status: financial_status=on_hold`).
    public var reason: String
    /// Where the refused record was read from.
    public var originalTopic: String
    public var originalPartition: Int32
    public var originalOffset: Int64

    public init(
        stage: StageName, reason: String, originalTopic: String, originalPartition: Int32, originalOffset: Int64
    ) {
        self.stage = stage
        self.reason = reason
        self.originalTopic = originalTopic
        self.originalPartition = originalPartition
        self.originalOffset = originalOffset
    }

    /// The original headers (minus any earlier quarantine headers) plus the provenance headers.
    public func headers(appendingTo original: [KafkaHeader]) -> [KafkaHeader] {
        let provenance: Set<String> = [
            EnvelopeHeader.stage, EnvelopeHeader.reason, EnvelopeHeader.originalTopic,
            EnvelopeHeader.originalPartition, EnvelopeHeader.originalOffset,
        ]
        return original.filter { !provenance.contains($0.key) } + [
            .utf8(EnvelopeHeader.stage, stage.rawValue),
            .utf8(EnvelopeHeader.reason, String(reason.prefix(512))),
            .utf8(EnvelopeHeader.originalTopic, originalTopic),
            .utf8(EnvelopeHeader.originalPartition, String(originalPartition)),
            .utf8(EnvelopeHeader.originalOffset, String(originalOffset)),
        ]
    }
}
