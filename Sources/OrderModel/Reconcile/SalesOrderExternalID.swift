/// The ERP external id dispatch gives an order's sales order (`so-<channel>-<order id>`, each part
/// escaped by ``ERPEffect/externalID(_:)``), read back into the order's key. Reconciliation's ERP-side
/// sweep uses it to find the channel order behind a sales order changed in the ERP.
public enum SalesOrderExternalID {
    /// The external id of `key`'s sales order.
    public static func of(_ key: OrderKey) -> String {
        ERPEffect.externalID("so", key.channel.rawValue, key.orderID)
    }

    /// The order key behind `externalID`; nil when it is not a sales order id dispatch wrote (another
    /// integration's record, a malformed escape, an unknown channel or the ERP itself).
    public static func orderKey(_ externalID: String) -> OrderKey? {
        let parts = externalID.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "so", let channelName = unescape(parts[1]),
            let channel = Channel(rawValue: channelName), channel != .erp,
            let orderID = unescape(parts[2]), !orderID.isEmpty,
            ERPEffect.externalID("so", channel.rawValue, orderID) == externalID
        else { return nil }
        return OrderKey(channel: channel, orderID: orderID)
    }

    /// Undoes the `_xx` escapes; nil for a malformed escape or bytes that are not UTF-8.
    static func unescape(_ part: Substring) -> String? {
        var bytes: [UInt8] = []
        var index = part.utf8.startIndex
        let utf8 = part.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "_") {
                let high = utf8.index(after: index)
                guard high < utf8.endIndex else { return nil }
                let low = utf8.index(after: high)
                guard low < utf8.endIndex, let h = hexValue(utf8[high]), let l = hexValue(utf8[low]) else {
                    return nil
                }
                bytes.append(h << 4 | l)
                index = utf8.index(after: low)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
