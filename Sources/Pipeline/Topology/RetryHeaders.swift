import Foundation
import Kafka
import OrderModel

/// The fixed-size retry envelope a record carries on the retry tiers and the dead-letter topic
/// (see "Retry tiers" in docs/ARCHITECTURE.md): replaced on every hop, never appended to, so a
/// record does not grow however often it is retried.
public struct RetryHeaders: Sendable, Hashable {
    /// Failed dispatch rounds so far (in-place attempts of one round count once).
    public var attempts: Int
    public var firstFailure: Date
    /// The last HTTP status (nil: no answer, e.g. a timeout).
    public var lastStatus: Int?
    /// The last error, at most 200 characters.
    public var lastError: String
    /// The failing ERP effect, when one was known.
    public var effectID: String?
    /// The tier the record is on (or was on last).
    public var tier: String?
    /// When the record is due again (retry tiers only).
    public var due: Date?
    /// Where the record was first read (`<p>.canonical`), kept across hops.
    public var originalTopic: String
    public var originalPartition: Int32
    public var originalOffset: Int64

    public init(
        attempts: Int, firstFailure: Date, lastStatus: Int?, lastError: String, effectID: String?, tier: String?,
        due: Date?, originalTopic: String, originalPartition: Int32, originalOffset: Int64
    ) {
        self.attempts = attempts
        self.firstFailure = firstFailure
        self.lastStatus = lastStatus
        self.lastError = String(lastError.prefix(200))
        self.effectID = effectID
        self.tier = tier
        self.due = due
        self.originalTopic = originalTopic
        self.originalPartition = originalPartition
        self.originalOffset = originalOffset
    }

    /// The header names this envelope owns (removed from a record before it is written anew).
    public static let names: Set<String> = [
        EnvelopeHeader.attempts, EnvelopeHeader.firstFailure, EnvelopeHeader.lastStatus, EnvelopeHeader.lastError,
        EnvelopeHeader.effectID, EnvelopeHeader.tier, EnvelopeHeader.due, EnvelopeHeader.originalTopic,
        EnvelopeHeader.originalPartition, EnvelopeHeader.originalOffset, EnvelopeHeader.stage, EnvelopeHeader.reason,
        EnvelopeHeader.holdGeneration,
    ]

    /// Reads the envelope from `message`, or nil when it has none (a record read from canonical).
    public init?(_ message: KafkaMessage) {
        guard let attempts = message.header(EnvelopeHeader.attempts)?.stringValue.flatMap({ Int($0) }),
            let topic = message.header(EnvelopeHeader.originalTopic)?.stringValue,
            let partition = message.header(EnvelopeHeader.originalPartition)?.stringValue.flatMap({ Int32($0) }),
            let offset = message.header(EnvelopeHeader.originalOffset)?.stringValue.flatMap({ Int64($0) })
        else { return nil }
        let date: (String) -> Date? = { name in
            message.header(name)?.stringValue.flatMap { RFC3339.parse($0) }
        }
        self.init(
            attempts: max(0, attempts), firstFailure: date(EnvelopeHeader.firstFailure) ?? .now,
            lastStatus: message.header(EnvelopeHeader.lastStatus)?.stringValue.flatMap { Int($0) },
            lastError: message.header(EnvelopeHeader.lastError)?.stringValue ?? "",
            effectID: message.header(EnvelopeHeader.effectID)?.stringValue,
            tier: message.header(EnvelopeHeader.tier)?.stringValue, due: date(EnvelopeHeader.due),
            originalTopic: topic, originalPartition: partition, originalOffset: offset)
    }

    /// `original` without any earlier retry envelope or quarantine provenance, plus this envelope;
    /// on the dead-letter topic also `dl-stage` and `dl-reason`.
    public func headers(appendingTo original: [KafkaHeader], stage: StageName? = nil, reason: String? = nil)
        -> [KafkaHeader]
    {
        var headers = original.filter { !Self.names.contains($0.key) }
        if let stage { headers.append(.utf8(EnvelopeHeader.stage, stage.rawValue)) }
        if let reason { headers.append(.utf8(EnvelopeHeader.reason, String(reason.prefix(512)))) }
        headers += [
            .utf8(EnvelopeHeader.originalTopic, originalTopic),
            .utf8(EnvelopeHeader.originalPartition, String(originalPartition)),
            .utf8(EnvelopeHeader.originalOffset, String(originalOffset)),
            .utf8(EnvelopeHeader.attempts, String(attempts)),
            .utf8(EnvelopeHeader.firstFailure, RFC3339.format(firstFailure)),
            .utf8(EnvelopeHeader.lastError, lastError),
        ]
        if let lastStatus { headers.append(.utf8(EnvelopeHeader.lastStatus, String(lastStatus))) }
        if let effectID { headers.append(.utf8(EnvelopeHeader.effectID, effectID)) }
        if let tier { headers.append(.utf8(EnvelopeHeader.tier, tier)) }
        if let due { headers.append(.utf8(EnvelopeHeader.due, RFC3339.format(due))) }
        return headers
    }
}
