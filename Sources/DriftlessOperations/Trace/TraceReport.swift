import Foundation
import Ledger

/// What `driftless trace` shows: audit records (one order's timeline or a search) and, for one
/// order, its current state per system.
public struct TraceReport: Sendable, Hashable, Codable {
    /// The order traced, or `nil` for a search.
    public var order: String?
    /// Audit records, oldest first.
    public var records: [AuditRecord]
    /// Current states of the order per system (empty for searches), sorted by system.
    public var states: [OrderStateRecord]

    public init(order: String?, records: [AuditRecord], states: [OrderStateRecord] = []) {
        self.order = order
        self.records = records
        self.states = states
    }

    /// One order's timeline across hops and systems, with its states.
    public static func order(_ orderKey: String, in store: any LedgerStore) async throws -> TraceReport {
        let records = try await store.timeline(order: orderKey)
        let states = try await store.loadStates(orders: [orderKey]).sorted { $0.system < $1.system }
        return TraceReport(order: orderKey, records: records, states: states)
    }

    /// Records matching a query.
    public static func search(_ query: AuditQuery, in store: any LedgerStore) async throws -> TraceReport {
        TraceReport(order: nil, records: try await store.search(query))
    }
}
