import Foundation
import Ledger
import Pipeline

/// What `driftless trace` was asked, as typed; ``run(store:now:)`` parses, queries and renders.
///
/// With an ``order`` it prints that order's timeline and states; without one it searches with the
/// filters (`--since 1h --status failed`, `--hop`, `--channel`, `--stage`, `--order-prefix`, `--limit`).
public struct TraceRequest: Sendable, Hashable {
    public var order: String?
    public var since: String?
    public var until: String?
    public var status: String
    public var hops: [String]
    public var channel: String?
    public var stage: String?
    public var orderPrefix: String?
    public var limit: Int
    public var json: Bool

    public init(
        order: String? = nil, since: String? = nil, until: String? = nil, status: String = "any", hops: [String] = [],
        channel: String? = nil, stage: String? = nil, orderPrefix: String? = nil, limit: Int = 200, json: Bool = false
    ) {
        self.order = order
        self.since = since
        self.until = until
        self.status = status
        self.hops = hops
        self.channel = channel
        self.stage = stage
        self.orderPrefix = orderPrefix
        self.limit = limit
        self.json = json
    }

    /// The search this request describes (filters other than the order).
    public func query(now: Date = Date()) throws -> AuditQuery {
        guard let status = AuditQuery.Status(rawValue: status.lowercased()) else {
            throw LedgerError.invalidArgument(
                "--status must be one of \(AuditQuery.Status.allCases.map(\.rawValue).joined(separator: ", ")), not '\(status)'"
            )
        }
        guard (1...100_000).contains(limit) else {
            throw LedgerError.invalidArgument("--limit must be between 1 and 100000, not \(limit)")
        }
        var hopSet = Set<AuditHop>()
        for text in hops.flatMap({ $0.split(separator: ",").map(String.init) }) {
            guard let hop = AuditHop(parsing: text.trimmingCharacters(in: .whitespaces)) else {
                throw LedgerError.invalidArgument(
                    "unknown hop '\(text)'; known: \(AuditHop.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            hopSet.insert(hop)
        }
        return AuditQuery(
            since: try since.map { try LedgerTimeSpec.instant($0, now: now) },
            until: try until.map { try LedgerTimeSpec.instant($0, now: now) },
            hops: hopSet, orderPrefix: orderPrefix, channel: channel, stage: stage, status: status, limit: limit)
    }

    /// Builds the report: the order's timeline (filtered by the same options, if any) or a search.
    /// `erp`: where a NetSuite internal id or document number (`SO-4411`) is looked up.
    public func report(store: any LedgerStore, erp: ERPOrderLookup? = nil, now: Date = Date()) async throws
        -> TraceReport
    {
        let query = try query(now: now)
        guard let order, !order.isEmpty else {
            return try await TraceReport.search(query, in: store)
        }
        var report = try await TraceReport.order(try await Self.resolve(order, in: store, erp: erp), in: store)
        guard !report.records.isEmpty || !report.states.isEmpty else {
            let hint = order.contains(":") ? "" : " (order keys look like <channel>:<order id>, e.g. shopify:1001)"
            throw CommandFailure("no order \(order) in ledger \(store.location)\(hint)")
        }
        report.records = Array(report.records.filter(query.matches).suffix(query.limit))
        return report
    }

    /// The order key `order` names: itself when it is one the ledger knows, else the one order whose
    /// id, Shopify name (`#1013`), tracking number or payment id it is (``OrderLocator``), or — with
    /// `erp` — whose NetSuite sales order has it as internal id or document number; several orders are
    /// an error listing them.
    static func resolve(_ order: String, in store: any LedgerStore, erp: ERPOrderLookup? = nil) async throws
        -> String
    {
        var keys = try await OrderLocator(store: store).orderKeys(for: order)
        if let erp { keys = Array(Set(keys).union(await erp.orderKeys(for: order))).sorted() }
        if keys.count > 1, !keys.contains(order) {
            throw CommandFailure("\(order) names several orders: \(keys.joined(separator: ", "))")
        }
        return keys.count == 1 ? keys[0] : order
    }

    /// The text to print: a table, or JSON with `json`.
    public func run(store: any LedgerStore, erp: ERPOrderLookup? = nil, now: Date = Date()) async throws -> String {
        let report = try await report(store: store, erp: erp, now: now)
        return json ? try TraceRenderer.json(report) : TraceRenderer.table(report)
    }
}
