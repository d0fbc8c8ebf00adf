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

    /// What makes two related records the same effect, whatever their ids: type, sales order and
    /// fields. A second record with the same fingerprint is a **duplicate effect**.
    var fingerprint: String {
        let body = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        return "\(type.rawValue)|\(createdFrom ?? "")|\(status?.id ?? "")|\(body)"
    }
}

/// A write's body as the simulator reads it: `externalId`, `status` (`{"id": "B"}` or `"B"`),
/// `createdFrom` (`{"id": "7"}` or `"7"`), everything else kept as text.
struct ERPWriteBody {
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

    private static func reference(_ value: Any) -> String? {
        if let object = value as? [String: Any] { return object["id"].flatMap(text) }
        return text(value)
    }

    private static func text(_ value: Any) -> String? {
        switch value {
        case let string as String: string
        case let number as NSNumber: number.stringValue
        case let list as [Any]: list.compactMap(text).joined(separator: ",")
        default: nil
        }
    }
}
