import Foundation
import OrderModel

extension ERPRecordType {
    /// Whether records of this type hang off a sales order (made from it, or referring to it).
    var isRelated: Bool { self != .salesOrder }

    /// Record types NetSuite makes only by transforming another record (Oracle's NetSuite help,
    /// "Transforming Records", section_157901123882; "Item Fulfillment", section_161425629582): an
    /// upsert, `PUT` or `POST` of one of their own is refused.
    var isTransformOnly: Bool { self == .itemFulfillment || self == .returnAuthorization || self == .creditMemo }

    /// The transforms the simulator serves: `fromType` → the types it may become.
    static let transforms: [ERPRecordType: Set<ERPRecordType>] = [
        .salesOrder: [.itemFulfillment, .returnAuthorization, .invoice, .cashSale],
        .returnAuthorization: [.creditMemo],
    ]

    /// The transaction type SuiteQL's `transaction.type` column names (`SalesOrd`, `ItemShip`, …).
    var suiteQLType: String {
        switch self {
        case .salesOrder: "SalesOrd"
        case .itemFulfillment: "ItemShip"
        case .invoice: "CustInvc"
        case .cashSale: "CashSale"
        case .customerDeposit: "CustDep"
        case .returnAuthorization: "RtnAuth"
        case .creditMemo: "CustCred"
        }
    }
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

    static func salesOrder(_ code: String) -> ERPStatus {
        ERPStatus(id: code, refName: salesOrderNames[code] ?? code)
    }
}

/// One record of the ERP simulator.
public struct ERPRecord: Sendable, Hashable, Codable {
    /// A record action taken on a sales order (`POST …/salesOrder/{id}/@cancel`, `@close`).
    public enum Action: String, Sendable, Hashable, Codable {
        case cancel, close
    }

    /// Internal id (numeric text, assigned by the simulator).
    public var id: String
    public var type: ERPRecordType
    /// The integration's id for the record (`PUT …/eid:<externalId>` upserts by it).
    public var externalId: String?
    /// For a transformed record: the internal id of the record it was made from (a sales order; a
    /// return authorization for a credit memo).
    public var createdFrom: String?
    /// For a customer deposit: the sales order it is for (its `salesOrder` field).
    public var salesOrder: String?
    /// For a sales order: the settable approval status, A (Pending Approval) or B (Pending Fulfillment).
    public var orderStatus: String?
    /// For a sales order: the record action taken on it, if any.
    public var action: Action?
    /// For an item fulfilment: the tracking numbers of its package lines.
    public var packageTrackingNumbers: [String]
    /// For an item fulfilment: whether it left order lines unfulfilled (a line with `itemReceive: false`).
    public var leavesLinesOpen: Bool
    /// The status NetSuite shows; for a sales order derived from `orderStatus`, its fulfilments,
    /// billing and actions (never written directly).
    public var status: ERPStatus?
    /// Any other body fields, standard and custom (`custbody_…`), as text.
    public var fields: [String: String]
    public var lastModifiedDate: Date

    public init(
        id: String, type: ERPRecordType, externalId: String? = nil, createdFrom: String? = nil,
        salesOrder: String? = nil, orderStatus: String? = nil, action: Action? = nil,
        packageTrackingNumbers: [String] = [], leavesLinesOpen: Bool = false, status: ERPStatus? = nil,
        fields: [String: String] = [:], lastModifiedDate: Date
    ) {
        self.id = id
        self.type = type
        self.externalId = externalId
        self.createdFrom = createdFrom
        self.salesOrder = salesOrder
        self.orderStatus = orderStatus
        self.action = action
        self.packageTrackingNumbers = packageTrackingNumbers
        self.leavesLinesOpen = leavesLinesOpen
        self.status = status
        self.fields = fields
        self.lastModifiedDate = lastModifiedDate
    }

    /// The record it hangs off: the record it was transformed from, or a deposit's sales order.
    public var parent: String? { createdFrom ?? salesOrder }

    /// Record JSON as NetSuite's REST record API returns it: the body fields, standard and custom
    /// (`custbody_…`), side by side at the top level, no `fields` wrapper; references as
    /// `{"id": …}`; an item fulfilment's packages in its `package` sublist (Oracle's NetSuite help,
    /// "Getting a Record Instance" and "NetSuite Record Structure"; domain facts, "How the REST
    /// record API really behaves").
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: FieldKey.self)
        try container.encode(id, forKey: FieldKey("id"))
        try container.encode(type, forKey: FieldKey("type"))
        try container.encodeIfPresent(externalId, forKey: FieldKey("externalId"))
        try container.encodeIfPresent(createdFrom.map(Reference.init), forKey: FieldKey("createdFrom"))
        try container.encodeIfPresent(salesOrder.map(Reference.init), forKey: FieldKey("salesOrder"))
        try container.encodeIfPresent(orderStatus.map(ERPStatus.salesOrder), forKey: FieldKey("orderStatus"))
        try container.encodeIfPresent(status, forKey: FieldKey("status"))
        if type == .itemFulfillment {
            try container.encode(
                Sublist(items: packageTrackingNumbers.map { Package(packageTrackingNumber: $0) }),
                forKey: FieldKey("package"))
        }
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
        createdFrom = try container.decodeIfPresent(Reference.self, forKey: FieldKey("createdFrom"))?.id
        salesOrder = try container.decodeIfPresent(Reference.self, forKey: FieldKey("salesOrder"))?.id
        orderStatus = try container.decodeIfPresent(ERPStatus.self, forKey: FieldKey("orderStatus"))?.id
        action = nil
        status = try container.decodeIfPresent(ERPStatus.self, forKey: FieldKey("status"))
        packageTrackingNumbers =
            try container.decodeIfPresent(Sublist<Package>.self, forKey: FieldKey("package"))?.items.map(
                \.packageTrackingNumber) ?? []
        leavesLinesOpen = false
        lastModifiedDate = try container.decode(Date.self, forKey: FieldKey("lastModifiedDate"))
        var fields: [String: String] = [:]
        for key in container.allKeys where !Self.standardKeys.contains(key.stringValue) {
            if let value = try? container.decode(String.self, forKey: key) { fields[key.stringValue] = value }
        }
        self.fields = fields
    }

    private static let standardKeys: Set<String> = [
        "id", "type", "externalId", "createdFrom", "salesOrder", "orderStatus", "status", "package",
        "lastModifiedDate", "links",
    ]

    private struct Reference: Codable {
        var id: String
        init(_ id: String) { self.id = id }
    }

    private struct Sublist<Item: Codable>: Codable {
        var items: [Item]
    }

    private struct Package: Codable {
        var packageTrackingNumber: String
    }

    private struct FieldKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// What makes two related records the same effect, whatever their ids: type, the record they
    /// hang off, tracking numbers and fields. A second record with the same fingerprint is a
    /// **duplicate effect**.
    var fingerprint: String {
        let body = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        return "\(type.rawValue)|\(parent ?? "")|\(packageTrackingNumbers.joined(separator: ","))|\(body)"
    }
}
