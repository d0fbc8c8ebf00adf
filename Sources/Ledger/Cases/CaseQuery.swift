import Foundation

/// Filters for ``CaseStore/cases(_:)``. Every set filter must match (AND); results are ordered by id.
public struct CaseQuery: Sendable, Hashable {
    /// Only these case ids (empty = any).
    public var ids: [Int64]
    /// Exact channel.
    public var channel: String?
    /// Exact order key.
    public var orderKey: String?
    /// Exact reason code (`unmapped-status`, `erp-refused`, …).
    public var reasonCode: String?
    /// Exact stage that failed.
    public var stage: String?
    /// Only these states (empty = any).
    public var states: Set<CaseState>
    /// Only cases last seen at or after this time.
    public var since: Date?
    /// Only cases with an id above this one (paging through cases in id order).
    public var afterID: Int64?
    /// At most this many (lowest ids first).
    public var limit: Int

    /// Creates a query.
    public init(
        ids: [Int64] = [], channel: String? = nil, orderKey: String? = nil, reasonCode: String? = nil,
        stage: String? = nil, states: Set<CaseState> = [], since: Date? = nil, afterID: Int64? = nil,
        limit: Int = 1_000
    ) {
        self.afterID = afterID
        self.ids = ids
        self.channel = channel
        self.orderKey = orderKey
        self.reasonCode = reasonCode
        self.stage = stage
        self.states = states
        self.since = since
        self.limit = limit
    }

    /// A bound value of ``conditions(lastSeenColumn:)``.
    enum Value: Sendable {
        case text(String)
        case integer(Int64)
        case date(Date)
    }

    /// The WHERE conditions (with `?` placeholders) and their values, shared by both backends.
    func conditions(lastSeenColumn: String) -> (sql: [String], values: [Value]) {
        var sql: [String] = []
        var values: [Value] = []
        if !ids.isEmpty {
            sql.append("id IN (" + ids.map { _ in "?" }.joined(separator: ",") + ")")
            values += ids.map { .integer($0) }
        }
        let exact: [(String, String?)] = [
            ("channel", channel), ("order_key", orderKey), ("reason_code", reasonCode), ("stage", stage),
        ]
        for (column, value) in exact {
            guard let value else { continue }
            sql.append("\(column) = ?")
            values.append(.text(StorageCoding.text(value)))
        }
        if !states.isEmpty {
            let sorted = states.map(\.rawValue).sorted()
            sql.append("state IN (" + sorted.map { _ in "?" }.joined(separator: ",") + ")")
            values += sorted.map { .text($0) }
        }
        if let afterID {
            sql.append("id > ?")
            values.append(.integer(afterID))
        }
        if let since {
            sql.append("\(lastSeenColumn) >= ?")
            values.append(.date(since))
        }
        return (sql, values)
    }
}
