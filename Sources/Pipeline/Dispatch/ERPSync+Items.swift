import Foundation
import OrderModel

extension ERPSync {
    /// SKUs one item query names at most (each `IN` list twice: a few kilobytes).
    static let itemBatchSize = 200

    /// How looking SKUs up ended.
    public enum ItemLookupResult: Sendable, Equatable {
        /// The SKUs neither the mapping nor the ERP knows, sorted.
        case unknown([String])
        /// A read gave up; its outcome.
        case failed(ERPOutcome)
    }

    /// The SKUs of `skus` that neither `content.items` nor the ERP knows (issue 24: SKU → NetSuite
    /// item "looked up by itemid/external id through SuiteQL and cached"). SKUs the mapping maps need
    /// nothing; the others are answered from the client's ``ERPItemCache`` and, for what it does not
    /// hold (or `refreshing` names: a replayed case), by one SuiteQL query per ``itemBatchSize`` SKUs:
    /// `SELECT id, itemid, externalid FROM item WHERE itemid IN (…) OR externalid IN (…)`. Found items
    /// are then written by internal id (``ERPClient/contentMapping``). Without the lookup
    /// (``ContentMapping/looksUpItems`` false) nothing is read and nothing is unknown here.
    public func lookUpItems(
        _ skus: Set<String>, refreshing: Set<String> = [],
        through: (Read) async -> (outcome: ERPOutcome, body: Data?)
    ) async -> ItemLookupResult {
        let mapping = client.configuredContent
        guard mapping.looksUpItems else { return .unknown([]) }
        var unknown: [String] = []
        var ask: [String] = []
        for sku in skus.sorted() where mapping.items[sku] == nil {
            switch refreshing.contains(sku) ? nil : client.itemCache.answer(sku) {
            case .some(.some): continue
            case .some(.none): unknown.append(sku)
            case .none: ask.append(sku)
            }
        }
        var start = 0
        while start < ask.count {
            let chunk = Array(ask[start..<min(ask.count, start + Self.itemBatchSize)])
            start += chunk.count
            let list = Self.list(chunk)
            let query = "SELECT id, itemid, externalid FROM item WHERE itemid IN \(list) OR externalid IN \(list)"
            var rows: [ItemRow] = []
            var offset = 0
            while true {
                let (outcome, body) = await through(.suiteQL(query: query, limit: Self.pageSize, offset: offset))
                guard case .done = outcome else { return .failed(outcome) }
                guard let body, let page = try? JSONDecoder().decode(SuiteQLPage<ItemRow>.self, from: body) else {
                    return .failed(.transient(status: nil, retryAfter: nil, detail: "SuiteQL item answer not readable"))
                }
                rows += page.items
                guard page.hasMore, !page.items.isEmpty else { break }
                offset += page.items.count
            }
            var found: [String: String] = [:]
            // A SKU that is one item's `itemid` wins over another item's `externalid`.
            for row in rows { if let externalID = row.externalID { found[externalID] = row.id } }
            for row in rows { if let itemID = row.itemID { found[itemID] = row.id } }
            found = found.filter { chunk.contains($0.key) }
            let absent = chunk.filter { found[$0] == nil }
            client.itemCache.record(found: found, absent: absent)
            unknown += absent
        }
        return .unknown(unknown.sorted())
    }
}

/// A row of `item` as the lookup selects it (columns may come as numbers).
struct ItemRow: Decodable, Sendable {
    var id: String
    var itemID: String?
    var externalID: String?

    enum CodingKeys: String, CodingKey {
        case id
        case itemID = "itemid"
        case externalID = "externalid"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) -> String? {
            if let value = try? container.decodeIfPresent(String.self, forKey: key) { return value }
            if let value = try? container.decodeIfPresent(Int64.self, forKey: key) { return String(value) }
            return nil
        }
        guard let id = text(.id) else {
            throw DecodingError.keyNotFound(
                CodingKeys.id, .init(codingPath: container.codingPath, debugDescription: "an item row without id"))
        }
        self.id = id
        itemID = text(.itemID)
        externalID = text(.externalID)
    }
}
