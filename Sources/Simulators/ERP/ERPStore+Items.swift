import Foundation

/// An item record of the ERP (NetSuite's `item` table as SuiteQL reads it: `id` the internal id,
/// `itemid` the item's name/number, `externalid`).
public struct ERPItem: Sendable, Equatable {
    public var id: String
    public var itemID: String
    public var externalID: String?

    public init(id: String, itemID: String, externalID: String? = nil) {
        self.id = id
        self.itemID = itemID
        self.externalID = externalID
    }

    /// The item as a SuiteQL row (lowercase columns; a null column left out, as NetSuite does).
    var row: [String: String] {
        var row = ["id": id, "itemid": itemID]
        row["externalid"] = externalID
        return row
    }
}

extension ERPStore {
    /// Creates (or replaces, by internal id) item records, as an administrator adding items would.
    public func addItems(_ items: [ERPItem]) {
        for item in items { itemRecords[item.id] = item }
    }

    /// The item records, by internal id.
    public func items() -> [ERPItem] { itemRecords.values.sorted { $0.id < $1.id } }
}
