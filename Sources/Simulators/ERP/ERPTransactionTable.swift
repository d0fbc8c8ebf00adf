import Foundation

/// The ERP simulator's SuiteQL `transaction` table, kept up to date as records change: each record's
/// row (built once per write, not once per query) and an index from every (column, value) but
/// `lastmodifieddate` to the ids of the rows holding it, so a query reads only the rows its `=` and
/// `IN` conditions name.
///
/// Why it exists (measured): a query used to build, sort and filter a row for every record the
/// simulator held. After 30 minutes of `driftless chaos --minutes 30` (≈ 20,000 records) each query
/// cost long enough that answers passed the client's 3 s timeout, the circuit breaker opened over and
/// over, and dispatch fell to ≈ 1.5 effects/s. NetSuite's own answer time does not grow with the
/// account's size that way for queries by id, so neither may the simulator's.
struct ERPTransactionTable: Sendable {
    /// Rows by internal id.
    private(set) var rows: [String: [String: String]] = [:]
    /// column → value → internal ids.
    private var index: [String: [String: Set<String>]] = [:]

    /// The column left out of the index: it changes on every write and is only compared with `>=`.
    static let unindexed = "lastmodifieddate"

    /// Stores `record`'s row (replacing the one it had), and indexes it.
    mutating func put(_ record: ERPRecord) {
        let row = ERPSuiteQL.row(record)
        let old = rows.updateValue(row, forKey: record.id) ?? [:]
        for (column, value) in old where column != Self.unindexed && row[column] != value {
            index[column]?[value]?.remove(record.id)
            if index[column]?[value]?.isEmpty == true { index[column]?[value] = nil }
        }
        for (column, value) in row where column != Self.unindexed && old[column] != value {
            index[column, default: [:]][value, default: []].insert(record.id)
        }
    }

    /// Ids of the rows whose `column` is `value`.
    func ids(_ column: String, _ value: String) -> Set<String> { index[column]?[value] ?? [] }

    /// The rows `query` may match — every row its conditions can hold for (its own filter still runs
    /// on them): for `AND`, those of its most selective `=`/`IN` condition; for `OR`, the union of
    /// every condition's when each is an `=`/`IN`; otherwise every row.
    func candidates(for query: ERPSuiteQL) -> [[String: String]] {
        typealias Lookup = (column: String, values: [String])
        let keyed: [Lookup] = query.conditions.compactMap { condition in
            switch condition {
            case .equals(let column, let value) where column != Self.unindexed: (column, [value])
            case .oneOf(let column, let values) where column != Self.unindexed: (column, values)
            default: nil
            }
        }
        let matches = { (lookup: Lookup) in
            lookup.values.reduce(into: Set<String>()) { $0.formUnion(ids(lookup.column, $1)) }
        }
        // Sized by the index's counts, so only the chosen condition's ids are copied.
        let size = { (lookup: Lookup) in
            lookup.values.reduce(0) { $0 + ids(lookup.column, $1).count }
        }
        let found: Set<String>
        if keyed.isEmpty || (query.matchesAny && keyed.count < query.conditions.count) {
            return Array(rows.values)
        } else if query.matchesAny {
            found = keyed.reduce(into: Set<String>()) { $0.formUnion(matches($1)) }
        } else {
            found = keyed.min { size($0) < size($1) }.map(matches) ?? []
        }
        return found.compactMap { rows[$0] }
    }
}
