import Foundation
import OrderModel
import Pipeline

/// Finds the order a NetSuite sales order belongs to by its internal id: reads the sales order
/// (`GET /salesOrder/{id}`) and decodes its external id (`so-<channel>-<order id>`, written by
/// ``ERPEffect/externalID(_:)``) back into the order key.
struct ERPOrderLookup: Sendable {
    let sync: ERPSync

    /// The order key of sales order `internalID`; nil when the id is not a NetSuite internal id (digits),
    /// the ERP has no such sales order or does not answer.
    func orderKey(internalID: String) async -> String? {
        guard !internalID.isEmpty, internalID.count <= 20, internalID.allSatisfy(\.isASCII),
            internalID.allSatisfy(\.isNumber)
        else { return nil }
        let (outcome, body) = await sync.send(.record(type: ERPRecordType.salesOrder.rawValue, id: internalID))
        guard case .done = outcome, let body,
            let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let externalID = object["externalId"] as? String
        else { return nil }
        return Self.orderKey(externalID: externalID)
    }

    /// `so-shopify-5600000000000` → `shopify:5600000000000` (`_xx` hex escapes undone); nil otherwise.
    static func orderKey(externalID: String) -> String? {
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
