import Foundation
import OrderModel

/// Finds the order a NetSuite sales order belongs to — by its internal id (`GET
/// /salesOrder/{id}`) or by its document number `tranId` (`GET /salesOrder?q=tranId IS "SO-4411"`,
/// NetSuite's record collection filtering) — and decodes the sales order's external id
/// (`so-<channel>-<order id>`, written by ``ERPEffect/externalID(_:)``) back into the order key.
/// The operations console and `driftless trace` use it.
public struct ERPOrderLookup: Sendable {
    let client: ERPClient

    /// A lookup through `client`.
    public init(client: ERPClient) {
        self.client = client
    }

    /// The order keys `identifier` names as a sales order's internal id or tranId, sorted (empty when
    /// it names none, is not shaped like either, or the ERP does not answer).
    public func orderKeys(for identifier: String) async -> [String] {
        let id = identifier.trimmingCharacters(in: .whitespacesAndNewlines)
        var keys = Set<String>()
        if let key = await orderKey(internalID: id) { keys.insert(key) }
        for internalID in await salesOrderIDs(tranID: id) {
            if let key = await orderKey(internalID: internalID) { keys.insert(key) }
        }
        return keys.sorted()
    }

    /// The order key of sales order `internalID`; nil when the id is not a NetSuite internal id (digits),
    /// the ERP has no such sales order or does not answer.
    public func orderKey(internalID: String) async -> String? {
        guard !internalID.isEmpty, internalID.count <= 20, internalID.allSatisfy(\.isASCII),
            internalID.allSatisfy(\.isNumber)
        else { return nil }
        let (outcome, body) = await client.read(ERPRecordType.salesOrder.rawValue, id: internalID)
        guard case .done = outcome, let body,
            let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let externalID = object["externalId"] as? String
        else { return nil }
        return Self.orderKey(externalID: externalID)
    }

    /// The internal ids of the sales orders whose `tranId` is `tranID` (at most 10); empty when it is
    /// not shaped like a document number (letters, digits, `-`, `_`, `/`, at most 40) or the ERP does
    /// not answer.
    public func salesOrderIDs(tranID: String) async -> [String] {
        guard Self.isDocumentNumber(tranID) else { return [] }
        let (outcome, body) = await client.salesOrders(tranID: tranID)
        guard case .done = outcome, let body,
            let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let items = object["items"] as? [[String: Any]]
        else { return [] }
        return Array(items.compactMap { $0["id"] as? String }.prefix(10))
    }

    /// Whether `text` can be a NetSuite document number (`SO-4411`, `SO4411`, `4411`).
    static func isDocumentNumber(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 40
            && text.unicodeScalars.allSatisfy {
                ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || "-_/".unicodeScalars.contains($0)
            }
    }

    /// `so-shopify-5600000000000` → `shopify:5600000000000` (`_xx` hex escapes undone); nil otherwise.
    public static func orderKey(externalID: String) -> String? {
        let parts = externalID.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "so", let channel = unescape(parts[1]), let id = unescape(parts[2]),
            !channel.isEmpty, !id.isEmpty
        else { return nil }
        return "\(channel):\(id)"
    }

    private static func unescape(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "_" {
                guard let end = text.index(index, offsetBy: 3, limitedBy: text.endIndex),
                    let byte = UInt8(text[text.index(after: index)..<end], radix: 16)
                else { return nil }
                bytes.append(byte)
                index = end
            } else {
                bytes.append(contentsOf: Array(String(text[index]).utf8))
                index = text.index(after: index)
            }
        }
        return String(bytes: bytes, encoding: .utf8)
    }
}
