import Foundation

/// The parts of an Amazon SP-API `Order` (an element of `getOrders`' `payload.Orders`) that the domain
/// needs. `AmazonOrderId`, `LastUpdateDate` and `OrderStatus` are required.
public struct AmazonOrder: Decodable, Hashable, Sendable {
    public var amazonOrderID: String
    public var purchaseDate: Date?
    public var lastUpdateDate: Date
    /// Pending, Unshipped, PartiallyShipped, Shipped, Canceled, Unfulfillable, InvoiceUnconfirmed,
    /// PendingAvailability.
    public var orderStatus: String
    public var fulfillmentChannel: String?
    public var numberOfItemsShipped: Int?
    public var numberOfItemsUnshipped: Int?
    public var orderTotal: Money?

    /// `{ "CurrencyCode": "USD", "Amount": "12.34" }`.
    public struct Money: Decodable, Hashable, Sendable {
        public var currencyCode: String?
        public var amount: String?
        enum CodingKeys: String, CodingKey {
            case currencyCode = "CurrencyCode"
            case amount = "Amount"
        }
    }

    enum CodingKeys: String, CodingKey {
        case amazonOrderID = "AmazonOrderId"
        case purchaseDate = "PurchaseDate"
        case lastUpdateDate = "LastUpdateDate"
        case orderStatus = "OrderStatus"
        case fulfillmentChannel = "FulfillmentChannel"
        case numberOfItemsShipped = "NumberOfItemsShipped"
        case numberOfItemsUnshipped = "NumberOfItemsUnshipped"
        case orderTotal = "OrderTotal"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        amazonOrderID = try c.decode(String.self, forKey: .amazonOrderID)
        purchaseDate = try c.decodeTimestampIfPresent(forKey: .purchaseDate)
        lastUpdateDate = try c.decodeTimestamp(forKey: .lastUpdateDate)
        orderStatus = try c.decode(String.self, forKey: .orderStatus)
        fulfillmentChannel = try c.decodeIfPresent(String.self, forKey: .fulfillmentChannel)
        numberOfItemsShipped = try c.decodeIfPresent(Int.self, forKey: .numberOfItemsShipped)
        numberOfItemsUnshipped = try c.decodeIfPresent(Int.self, forKey: .numberOfItemsUnshipped)
        orderTotal = try c.decodeIfPresent(Money.self, forKey: .orderTotal)
    }

    /// The deterministic event id of this order state: `<AmazonOrderId>@<LastUpdateDate>`.
    public var eventID: String { "\(amazonOrderID)@\(RFC3339.format(lastUpdateDate))" }

    /// Decodes one order object; rejects bodies over `maxBytes` before parsing.
    public static func decode(
        from bytes: [UInt8], maxBytes: Int = PayloadLimits.defaultMaxBytes
    ) throws(PayloadError) -> AmazonOrder {
        try PayloadDecoding.decode(AmazonOrder.self, from: bytes, maxBytes: maxBytes)
    }

    /// Decodes one order object; rejects bodies over `maxBytes` before parsing.
    public static func decode(
        from data: Data, maxBytes: Int = PayloadLimits.defaultMaxBytes
    ) throws(PayloadError) -> AmazonOrder {
        try PayloadDecoding.decode(AmazonOrder.self, from: data, maxBytes: maxBytes)
    }
}

/// A `getOrders` response page: `{ "payload": { "Orders": [...], "NextToken": "...", ... } }`.
public struct AmazonOrdersPage: Decodable, Hashable, Sendable {
    public var orders: [AmazonOrder]
    public var nextToken: String?
    public var lastUpdatedBefore: Date?

    enum CodingKeys: String, CodingKey { case payload }
    enum PayloadKeys: String, CodingKey {
        case orders = "Orders"
        case nextToken = "NextToken"
        case lastUpdatedBefore = "LastUpdatedBefore"
    }

    public init(from decoder: any Decoder) throws {
        let outer = try decoder.container(keyedBy: CodingKeys.self)
        let c = try outer.nestedContainer(keyedBy: PayloadKeys.self, forKey: .payload)
        orders = try c.decode([AmazonOrder].self, forKey: .orders)
        nextToken = try c.decodeIfPresent(String.self, forKey: .nextToken)
        lastUpdatedBefore = try c.decodeTimestampIfPresent(forKey: .lastUpdatedBefore)
    }

    /// Decodes a page; pages may be larger than one order, so the default limit is 10 MB.
    public static func decode(from bytes: [UInt8], maxBytes: Int = 10 << 20) throws(PayloadError) -> AmazonOrdersPage {
        try PayloadDecoding.decode(AmazonOrdersPage.self, from: bytes, maxBytes: maxBytes)
    }
}
