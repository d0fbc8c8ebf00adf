/// What ``CaseStore/recordCase(_:)`` did with an arrival.
public enum CaseRecordOutcome: Sendable, Hashable {
    /// A new case.
    case created(DeadLetterCase)
    /// The case the record's `dl-case-id` names, open again.
    case reopened(DeadLetterCase)
    /// The same source record (topic, partition, offset) was recorded before: nothing changed.
    case duplicate(caseID: Int64)

    /// The case's id.
    public var caseID: Int64 {
        switch self {
        case .created(let value), .reopened(let value): value.id
        case .duplicate(let id): id
        }
    }
}
