import Foundation

/// Filters for ``LedgerStore/search(_:)``. Every set filter must match (AND).
public struct AuditQuery: Sendable, Hashable {
    /// Which outcome to keep.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Everything.
        case any
        /// Only rows where ``AuditRecord/isFailure`` is true.
        case failed
        /// Only rows where it is false.
        case ok
    }

    /// Inclusive lower bound on `time`.
    public var since: Date?
    /// Exclusive upper bound on `time`.
    public var until: Date?
    /// Keep only these hops (empty = all).
    public var hops: Set<AuditHop>
    /// Order keys starting with this text (`shopify:` or `amazon:902-`).
    public var orderPrefix: String?
    /// Exact channel/system.
    public var channel: String?
    /// Exact stage.
    public var stage: String?
    /// Outcome filter.
    public var status: Status
    /// At most this many rows: the most recent ones, returned oldest first.
    public var limit: Int

    public init(
        since: Date? = nil, until: Date? = nil, hops: Set<AuditHop> = [], orderPrefix: String? = nil,
        channel: String? = nil, stage: String? = nil, status: Status = .any, limit: Int = 200
    ) {
        self.since = since
        self.until = until
        self.hops = hops
        self.orderPrefix = orderPrefix
        self.channel = channel
        self.stage = stage
        self.status = status
        self.limit = limit
    }

    /// Whether `record` passes the filters (the backends do the same in SQL).
    public func matches(_ record: AuditRecord) -> Bool {
        if let since, record.time < since { return false }
        if let until, record.time >= until { return false }
        if !hops.isEmpty, !hops.contains(record.hop) { return false }
        if let orderPrefix, !record.orderKey.hasPrefix(orderPrefix) { return false }
        if let channel, record.channel != channel { return false }
        if let stage, record.stage != stage { return false }
        switch status {
        case .any: return true
        case .failed: return record.isFailure
        case .ok: return !record.isFailure
        }
    }

    /// `orderPrefix` escaped for a `LIKE … ESCAPE '\'` pattern.
    var likePattern: String? {
        guard let orderPrefix else { return nil }
        var escaped = ""
        for character in orderPrefix {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped + "%"
    }
}

/// What ``LedgerStore/purge(olderThan:)`` deleted, per table.
public struct LedgerPurgeResult: Sendable, Hashable, Codable {
    /// Rows deleted per table name (`audit_records`; later tables too). Order states are never purged.
    public var deleted: [String: Int]
    public init(deleted: [String: Int] = [:]) { self.deleted = deleted }
    /// Audit rows deleted.
    public var auditRecords: Int { deleted["audit_records", default: 0] }
    /// All rows deleted.
    public var total: Int { deleted.values.reduce(0, +) }
}
