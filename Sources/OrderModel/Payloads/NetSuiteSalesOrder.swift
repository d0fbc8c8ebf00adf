import Foundation

/// A NetSuite-style sales order as the ERP (and the ERP simulator) returns it: the record plus a summary
/// of its related records. `id`, `lastModifiedDate` and `orderStatus.id` (A–H) are required.
///
/// ```json
/// { "id": "48213", "tranId": "SO-10442", "externalId": "shopify:5678123",
///   "lastModifiedDate": "2026-11-20T15:02:11Z",
///   "orderStatus": { "id": "B", "refName": "Pending Fulfillment" },
///   "relatedRecords": [ { "type": "customerDeposit", "id": "771", "paymentReference": "ch_3P…" } ] }
/// ```
public struct NetSuiteSalesOrder: Decodable, Hashable, Sendable {
    public var id: String
    public var tranID: String?
    /// The channel order key the integration stored on the sales order (e.g. `shopify:5678123`).
    public var externalID: String?
    public var lastModifiedDate: Date
    /// Status code, A–H (as a string; validated by the mapping, so an unknown code is an unmapped value).
    public var statusCode: String
    public var statusName: String?
    public var relatedRecords: [RelatedRecord]

    /// A record linked to the sales order.
    public struct RelatedRecord: Decodable, Hashable, Sendable {
        /// itemFulfillment, invoice, cashSale, customerDeposit, returnAuthorization, creditMemo.
        public var type: String
        public var id: String
        /// e.g. Item Fulfillment: Picked, Packed, Shipped; Return Authorization: Pending Receipt, Received.
        public var status: String?
        public var trackingNumbers: [String]
        /// Payment gateway transaction id recorded on an invoice, cash sale or customer deposit.
        public var paymentReference: String?

        enum CodingKeys: String, CodingKey { case type, id, status, trackingNumbers, paymentReference }

        public init(
            type: String, id: String, status: String? = nil, trackingNumbers: [String] = [],
            paymentReference: String? = nil
        ) {
            self.type = type
            self.id = id
            self.status = status
            self.trackingNumbers = trackingNumbers
            self.paymentReference = paymentReference
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decode(String.self, forKey: .type)
            id = try c.decodeID(forKey: .id)
            status = try c.decodeIfPresent(String.self, forKey: .status)
            trackingNumbers = try c.decodeIfPresent([String].self, forKey: .trackingNumbers) ?? []
            paymentReference = try c.decodeIfPresent(String.self, forKey: .paymentReference)
        }
    }

    struct Status: Decodable {
        var id: String
        var refName: String?
    }

    enum CodingKeys: String, CodingKey {
        case id
        case tranID = "tranId"
        case externalID = "externalId"
        case lastModifiedDate, orderStatus, relatedRecords
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeID(forKey: .id)
        tranID = try c.decodeIfPresent(String.self, forKey: .tranID)
        externalID = try c.decodeIfPresent(String.self, forKey: .externalID)
        lastModifiedDate = try c.decodeTimestamp(forKey: .lastModifiedDate)
        let status = try c.decode(Status.self, forKey: .orderStatus)
        statusCode = status.id
        statusName = status.refName
        relatedRecords = try c.decodeIfPresent([RelatedRecord].self, forKey: .relatedRecords) ?? []
    }

    public init(
        id: String, tranID: String? = nil, externalID: String? = nil, lastModifiedDate: Date,
        statusCode: String, statusName: String? = nil, relatedRecords: [RelatedRecord] = []
    ) {
        self.id = id
        self.tranID = tranID
        self.externalID = externalID
        self.lastModifiedDate = lastModifiedDate
        self.statusCode = statusCode
        self.statusName = statusName
        self.relatedRecords = relatedRecords
    }

    /// The channel order this sales order was created for, from `externalId`.
    public var channelKey: OrderKey? { externalID.flatMap(OrderKey.init) }

    /// Decodes a sales order; rejects bodies over `maxBytes` before parsing.
    public static func decode(
        from bytes: [UInt8], maxBytes: Int = PayloadLimits.defaultMaxBytes
    ) throws(PayloadError) -> NetSuiteSalesOrder {
        try PayloadDecoding.decode(NetSuiteSalesOrder.self, from: bytes, maxBytes: maxBytes)
    }

    /// Decodes a sales order; rejects bodies over `maxBytes` before parsing.
    public static func decode(
        from data: Data, maxBytes: Int = PayloadLimits.defaultMaxBytes
    ) throws(PayloadError) -> NetSuiteSalesOrder {
        try PayloadDecoding.decode(NetSuiteSalesOrder.self, from: data, maxBytes: maxBytes)
    }
}
