import Foundation
import OrderModel

/// The SuiteQL subset the ERP simulator serves at `POST /services/rest/query/v1/suiteql` (Oracle's
/// NetSuite help, "Executing SuiteQL Queries Through REST Web Services", section_157909186990, and
/// "Using SuiteQL with SuiteTalk REST Web Services", section_158394344595): the query in the body's
/// `q`, `Prefer: transient`, pages by `limit` (at most 1000) and `offset`, the answer's `items`
/// (one object per row, null columns left out, as NetSuite does), `hasMore`, `count`, `offset`,
/// `totalResults` and `links`.
///
/// The subset — what Driftless sends, nothing more:
/// ```
/// SELECT <column>[, <column>…] | * FROM transaction | item
///   [WHERE <condition> { AND | OR } <condition> …]   (one kind of connective per query)
///   [ORDER BY <column>[, <column>…]]
/// <condition> := <column> = '<text>' | <column> >= '<text>' | <column> IN ('<text>'[, '<text>'…])
/// ```
/// Columns (lowercase, values as text): `id`, `type` (`SalesOrd`, `ItemShip`, `CustDep`, `RtnAuth`,
/// `CustCred`, `CustInvc`, `CashSale`), `externalid`, `status` (a sales order's letter), `createdfrom`,
/// `salesorder` (a deposit's order), `trackingnumberlist` (an item fulfilment's package tracking
/// numbers, comma-separated), `lastmodifieddate` (ISO 8601, so `>=` compares it), and every custom
/// body field (`custbody_…`). Columns of `item`: `id`, `itemid`, `externalid` (``ERPItem``). Anything
/// else is refused `400 INVALID_PARAMETER`.
struct ERPSuiteQL: Sendable, Equatable {
    enum Condition: Sendable, Equatable {
        case equals(String, String)
        case atLeast(String, String)
        case oneOf(String, [String])
    }

    var columns: [String]?  // nil: *
    /// `transaction` or `item`.
    var table = "transaction"
    var conditions: [Condition] = []
    var matchesAny = false  // OR instead of AND
    var orderBy: [String] = []

    /// Why a query is outside the subset.
    struct Unsupported: Error {
        var reason: String
    }

    init(parsing text: String) throws(Unsupported) {
        var tokens = Tokens(text)
        try tokens.expect("select")
        if tokens.take("*") {
            columns = nil
        } else {
            var list: [String] = []
            repeat { list.append(try tokens.identifier()) } while tokens.take(",")
            columns = list
        }
        try tokens.expect("from")
        table = try tokens.identifier()
        guard ["transaction", "item"].contains(table) else {
            throw Unsupported(reason: "only FROM transaction or item")
        }
        if tokens.take("where") {
            var connective: String?
            while true {
                let column = try tokens.identifier()
                if tokens.take("=") {
                    conditions.append(.equals(column, try tokens.literal()))
                } else if tokens.take(">=") {
                    conditions.append(.atLeast(column, try tokens.literal()))
                } else if tokens.take("in") {
                    try tokens.expect("(")
                    var values: [String] = []
                    repeat { values.append(try tokens.literal()) } while tokens.take(",")
                    try tokens.expect(")")
                    conditions.append(.oneOf(column, values))
                } else {
                    throw Unsupported(reason: "conditions are =, >= or IN")
                }
                guard let next = ["and", "or"].first(where: { tokens.take($0) }) else { break }
                if let connective, connective != next { throw Unsupported(reason: "AND and OR mixed") }
                connective = next
            }
            matchesAny = connective == "or"
        }
        if tokens.take("order") {
            try tokens.expect("by")
            repeat { orderBy.append(try tokens.identifier()) } while tokens.take(",")
        }
        guard tokens.atEnd else { throw Unsupported(reason: "unexpected text after the query") }
    }

    /// The query's rows among `candidates` (rows of its table: ``row(_:)`` of the records, or
    /// ``ERPItem/row`` of the items), filtered, ordered and cut to its columns.
    func rows(_ candidates: [[String: String]]) -> [[String: String]] {
        // A `lastmodifieddate` bound is read once: rows hold the column as fixed-width ISO 8601 UTC
        // with milliseconds (``timestamp``), so the bound written the same way compares as text.
        let conditions = conditions.map { condition in
            guard case .atLeast(let column, let value) = condition, column == "lastmodifieddate",
                let bound = Self.date(value)
            else { return condition }
            return .atLeast(column, bound.formatted(Self.timestamp))
        }
        let matching = candidates.filter { row in
            guard !conditions.isEmpty else { return true }
            return matchesAny ? conditions.contains { holds($0, row) } : conditions.allSatisfy { holds($0, row) }
        }
        let keys = orderBy.isEmpty ? ["id"] : orderBy
        let sorted = matching.sorted { lhs, rhs in
            for key in keys {
                let (a, b) = (lhs[key] ?? "", rhs[key] ?? "")
                if a == b { continue }
                if key == "id", let x = Int(a), let y = Int(b) { return x < y }
                return a < b
            }
            return false
        }
        guard let columns else { return sorted }
        return sorted.map { row in row.filter { columns.contains($0.key) } }
    }

    private func holds(_ condition: Condition, _ row: [String: String]) -> Bool {
        switch condition {
        case .equals(let column, let value): return row[column] == value
        case .atLeast(let column, let value): return row[column].map { $0 >= value } ?? false
        case .oneOf(let column, let values): return row[column].map(values.contains) ?? false
        }
    }

    /// A record as a row of `transaction`.
    static func row(_ record: ERPRecord) -> [String: String] {
        var row: [String: String] = [
            "id": record.id, "type": record.type.suiteQLType,
            "lastmodifieddate": record.lastModifiedDate.formatted(Self.timestamp),
        ]
        row["externalid"] = record.externalId
        row["createdfrom"] = record.createdFrom
        row["salesorder"] = record.salesOrder
        row["status"] = record.status?.id
        if !record.packageTrackingNumbers.isEmpty {
            row["trackingnumberlist"] = record.packageTrackingNumbers.joined(separator: ",")
        }
        for (key, value) in record.fields where key.hasPrefix("custbody_") { row[key.lowercased()] = value }
        return row
    }

    /// `lastmodifieddate` as ISO 8601 with milliseconds (so a sweep's `>=` bound is exact).
    static let timestamp = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func date(_ text: String) -> Date? {
        (try? timestamp.parse(text)) ?? SimulatorTime.date(text)
    }

    /// A small tokenizer: words and symbols lowercased, `'…'` literals kept (`''` is a quote).
    private struct Tokens {
        enum Token: Equatable {
            case word(String)
            case literal(String)
        }
        var tokens: [Token] = []
        var index = 0

        init(_ text: String) {
            var characters = Array(text)[...]
            while let first = characters.first {
                if first.isWhitespace {
                    characters.removeFirst()
                } else if first == "'" {
                    characters.removeFirst()
                    var value = ""
                    while let next = characters.first {
                        characters.removeFirst()
                        if next == "'" {
                            if characters.first == "'" {
                                characters.removeFirst()
                                value.append("'")
                            } else {
                                break
                            }
                        } else {
                            value.append(next)
                        }
                    }
                    tokens.append(.literal(value))
                } else if first == ">" && characters.dropFirst().first == "=" {
                    characters.removeFirst(2)
                    tokens.append(.word(">="))
                } else if "=(),*".contains(first) {
                    characters.removeFirst()
                    tokens.append(.word(String(first)))
                } else {
                    var word = ""
                    while let next = characters.first, !next.isWhitespace, !"=(),*'>".contains(next) {
                        word.append(next)
                        characters.removeFirst()
                    }
                    if word.isEmpty {
                        word = String(characters.removeFirst())
                    }
                    tokens.append(.word(word.lowercased()))
                }
            }
        }

        var atEnd: Bool { index >= tokens.count }

        mutating func take(_ word: String) -> Bool {
            guard index < tokens.count, tokens[index] == .word(word) else { return false }
            index += 1
            return true
        }

        mutating func expect(_ word: String) throws(Unsupported) {
            guard take(word) else { throw Unsupported(reason: "expected \(word.uppercased())") }
        }

        mutating func identifier() throws(Unsupported) -> String {
            guard index < tokens.count, case .word(let word) = tokens[index],
                word.first.map({ $0.isLetter || $0 == "_" }) == true
            else { throw Unsupported(reason: "expected a column") }
            index += 1
            return word
        }

        mutating func literal() throws(Unsupported) -> String {
            guard index < tokens.count, case .literal(let value) = tokens[index] else {
                throw Unsupported(reason: "expected a quoted value")
            }
            index += 1
            return value
        }
    }
}
