import Foundation
import OrderModel

extension ERPRecordType {
    /// Whether records of this type hang off a sales order (`createdFrom`).
    var isRelated: Bool { self != .salesOrder }
}

/// A NetSuite-style status reference, e.g. `{"id": "B", "refName": "Pending Fulfillment"}`.
public struct ERPStatus: Sendable, Hashable, Codable {
    public var id: String
    public var refName: String

    public init(id: String, refName: String) {
        self.id = id
        self.refName = refName
    }

    /// Sales order statuses A–H.
    public static let salesOrderNames: [String: String] = [
        "A": "Pending Approval", "B": "Pending Fulfillment", "C": "Cancelled", "D": "Partially Fulfilled",
        "E": "Pending Billing/Partially Fulfilled", "F": "Pending Billing", "G": "Billed", "H": "Closed",
    ]
}

/// One record of the ERP simulator.
public struct ERPRecord: Sendable, Hashable, Codable {
    /// Internal id (numeric text, assigned by the simulator).
    public var id: String
    public var type: ERPRecordType
    /// The integration's id for the record (`PUT …/eid:<externalId>` upserts by it).
    public var externalId: String?
    /// For related records: the sales order's internal id.
    public var createdFrom: String?
    public var status: ERPStatus?
    /// Any other body fields, as text (e.g. `tranId`, `memo`, `paymentTransactionId`, `trackingNumbers`).
    public var fields: [String: String]
    public var lastModifiedDate: Date

    public init(
        id: String, type: ERPRecordType, externalId: String? = nil, createdFrom: String? = nil,
        status: ERPStatus? = nil,
        fields: [String: String] = [:], lastModifiedDate: Date
    ) {
        self.id = id
        self.type = type
        self.externalId = externalId
        self.createdFrom = createdFrom
        self.status = status
        self.fields = fields
        self.lastModifiedDate = lastModifiedDate
    }

    /// Record JSON as NetSuite's REST record API returns it: the body fields, standard and custom
    /// (`custbody_…`), side by side at the top level, no `fields` wrapper (Oracle's NetSuite help,
    /// "Getting a Record Instance" and "NetSuite Record Structure"; domain facts, "How the REST
    /// record API really behaves").
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: FieldKey.self)
        try container.encode(id, forKey: FieldKey("id"))
        try container.encode(type, forKey: FieldKey("type"))
        try container.encodeIfPresent(externalId, forKey: FieldKey("externalId"))
        try container.encodeIfPresent(createdFrom, forKey: FieldKey("createdFrom"))
        try container.encodeIfPresent(status, forKey: FieldKey("status"))
        try container.encode(lastModifiedDate, forKey: FieldKey("lastModifiedDate"))
        for (key, value) in fields where !Self.standardKeys.contains(key) {
            try container.encode(value, forKey: FieldKey(key))
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FieldKey.self)
        id = try container.decode(String.self, forKey: FieldKey("id"))
        type = try container.decode(ERPRecordType.self, forKey: FieldKey("type"))
        externalId = try container.decodeIfPresent(String.self, forKey: FieldKey("externalId"))
        createdFrom = try container.decodeIfPresent(String.self, forKey: FieldKey("createdFrom"))
        status = try container.decodeIfPresent(ERPStatus.self, forKey: FieldKey("status"))
        lastModifiedDate = try container.decode(Date.self, forKey: FieldKey("lastModifiedDate"))
        var fields: [String: String] = [:]
        for key in container.allKeys where !Self.standardKeys.contains(key.stringValue) {
            if let value = try? container.decode(String.self, forKey: key) { fields[key.stringValue] = value }
        }
        self.fields = fields
    }

    private static let standardKeys: Set<String> = [
        "id", "type", "externalId", "createdFrom", "status", "lastModifiedDate", "links",
    ]

    private struct FieldKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// What makes two related records the same effect, whatever their ids: type, sales order and
    /// fields. A second record with the same fingerprint is a **duplicate effect**.
    var fingerprint: String {
        let body = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        return "\(type.rawValue)|\(createdFrom ?? "")|\(status?.id ?? "")|\(body)"
    }
}

/// A write's body as the simulator reads it: `externalId`, `status` (`{"id": "B"}` or `"B"`),
/// `createdFrom` (`{"id": "7"}` or `"7"`), everything else kept as text.
struct ERPWriteBody: Sendable {
    var externalId: String?
    var status: String?
    var createdFrom: String?
    var fields: [String: String] = [:]

    init(json: [String: Any]) {
        for (key, value) in json {
            switch key {
            case "externalId": externalId = Self.text(value)
            case "status", "orderStatus": status = Self.reference(value)
            case "createdFrom": createdFrom = Self.reference(value)
            default: if let text = Self.text(value) { fields[key] = text }
            }
        }
    }

    private static func json(_ value: Any) -> String? {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else { return nil }
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
        // Subrecords and sublists (`item`, `shippingAddress`, …) are kept as their JSON text.
        case let nested as [String: Any]: json(nested)
        case let nested as [Any]: json(nested)
        default: nil
        }
    }
}
