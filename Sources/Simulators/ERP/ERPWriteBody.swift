import Foundation

/// A write's body as the simulator reads it. References (`orderStatus`, `salesOrder`) may be
/// `{"id": …}` or plain text; an item fulfilment's `package` sublist gives its tracking numbers and
/// its `item` sublist which order lines it receives; everything else is kept as text, subrecords and
/// sublists (`item`, `shippingAddress`, `entity`, …) as their JSON text (read by ``ERPContentRules``). `status` is
/// read-only (derived) and `createdFrom` is set only by a transform: a body carrying either is refused.
struct ERPWriteBody: Sendable {
    var externalId: String?
    var orderStatus: String?
    var salesOrder: String?
    /// Set by the transform route only (the record transformed from).
    var createdFrom: String?
    var trackingNumbers: [String] = []
    /// `item.items[].itemReceive`, when the body lists the lines it receives.
    var linesReceived: [Bool]?
    var fields: [String: String] = [:]
    /// A read-only field the body tried to set (`status`, `createdFrom`).
    var readOnlyField: String?

    init() {}

    init(json: [String: Any]) {
        for (key, value) in json {
            switch key {
            case "externalId": externalId = Self.text(value)
            case "orderStatus": orderStatus = Self.reference(value)
            case "salesOrder": salesOrder = Self.reference(value)
            case "status", "createdFrom": readOnlyField = key
            case "package":
                trackingNumbers = Self.items(value).compactMap { Self.text($0["packageTrackingNumber"] as Any) }
            case "item":
                linesReceived = Self.items(value).map { ($0["itemReceive"] as? Bool) ?? true }
                if let text = Self.json(value) { fields[key] = text }
            default: if let text = Self.text(value) { fields[key] = text }
            }
        }
    }

    /// The sales orders' external or internal ids the body names (for faults on given orders).
    var orderReferences: [String] {
        [externalId, salesOrder, createdFrom, fields["custbody_driftless_order"]].compactMap { $0 }
    }

    private static func items(_ value: Any) -> [[String: Any]] {
        ((value as? [String: Any])?["items"] as? [[String: Any]]) ?? []
    }

    private static func json(_ value: Any) -> String? {
        guard JSONSerialization.isValidJSONObject(value),
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    private static func reference(_ value: Any) -> String? {
        if let object = value as? [String: Any] { return object["id"].flatMap(text) }
        return text(value)
    }

    private static func text(_ value: Any) -> String? {
        switch value {
        case let string as String: string
        case let number as NSNumber: number.stringValue
        case let list as [Any] where list.allSatisfy({ !($0 is [String: Any]) && !($0 is [Any]) }):
            list.compactMap(text).joined(separator: ",")
        case let nested as [String: Any]: json(nested)
        case let nested as [Any]: json(nested)
        default: nil
        }
    }
}
