import Foundation

/// Where a case's record came from and why it failed: the dead-letter/quarantine record's own
/// coordinates, the record first read by the failing stage, the reason and the attempt history.
public struct CaseProvenance: Sendable, Hashable, Codable {
    /// The `<p>.dead-letter` or `<p>.quarantine` record this case was made from.
    public var sourceTopic: String
    public var sourcePartition: Int32
    public var sourceOffset: Int64
    /// Where the failing stage first read the record (`dl-orig-*`), when the headers say.
    public var originalTopic: String?
    public var originalPartition: Int32?
    public var originalOffset: Int64?
    /// The stage that refused it (`validate`, `translate`, `dispatch`; `dl-stage`).
    public var stage: String
    /// The reason code (`unmapped-status`, `erp-refused`, …) and the detail after it (`dl-reason`).
    public var reasonCode: String
    public var reasonDetail: String
    /// Attempt history (dispatch): attempts, first failure, last HTTP status (nil e.g. for a timeout),
    /// last error, the failing ERP effect id and the last retry tier.
    public var attempts: Int?
    public var firstFailure: Date?
    public var httpStatus: Int?
    public var lastError: String?
    public var effectID: String?
    public var tier: String?

    /// Creates a provenance; the attempt history is optional.
    public init(
        sourceTopic: String, sourcePartition: Int32, sourceOffset: Int64, originalTopic: String? = nil,
        originalPartition: Int32? = nil, originalOffset: Int64? = nil, stage: String, reasonCode: String,
        reasonDetail: String, attempts: Int? = nil, firstFailure: Date? = nil, httpStatus: Int? = nil,
        lastError: String? = nil, effectID: String? = nil, tier: String? = nil
    ) {
        self.sourceTopic = sourceTopic
        self.sourcePartition = sourcePartition
        self.sourceOffset = sourceOffset
        self.originalTopic = originalTopic
        self.originalPartition = originalPartition
        self.originalOffset = originalOffset
        self.stage = stage
        self.reasonCode = reasonCode
        self.reasonDetail = reasonDetail
        self.attempts = attempts
        self.firstFailure = firstFailure
        self.httpStatus = httpStatus
        self.lastError = lastError
        self.effectID = effectID
        self.tier = tier
    }
}
