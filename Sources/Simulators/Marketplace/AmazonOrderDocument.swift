import Foundation

/// An order as SP-API `getOrders` returns it (PascalCase keys, the common subset of fields).
public struct AmazonOrderDocument: Codable, Sendable, Equatable {
    public var AmazonOrderId: String
    public var SellerOrderId: String
    public var PurchaseDate: String
    public var LastUpdateDate: String
    public var OrderStatus: String
    public var FulfillmentChannel: String
    public var SalesChannel: String
    public var ShipServiceLevel: String
    public var OrderTotal: Money
    public var NumberOfItemsShipped: Int
    public var NumberOfItemsUnshipped: Int
    public var PaymentMethod: String
    public var PaymentMethodDetails: [String]
    public var MarketplaceId: String
    public var ShipmentServiceLevelCategory: String
    public var OrderType: String
    public var EarliestShipDate: String
    public var LatestShipDate: String
    public var IsBusinessOrder: Bool
    public var IsPrime: Bool
    public var IsPremiumOrder: Bool
    public var IsGlobalExpressEnabled: Bool
    public var IsReplacementOrder: Bool
    public var IsSoldByAB: Bool
    public var IsISPU: Bool
    public var IsAccessPointOrder: Bool
    /// Restricted data: SP-API returns it only to calls made with a Restricted Data Token, so the
    /// simulator (which issues none) leaves it out.
    public var BuyerInfo: Buyer?
    public var ShippingAddress: Address

    /// `{"CurrencyCode": "USD", "Amount": "12.34"}`.
    public struct Money: Codable, Sendable, Equatable {
        public var CurrencyCode: String
        public var Amount: String
    }

    /// Buyer details (restricted data).
    public struct Buyer: Codable, Sendable, Equatable {
        public var BuyerEmail: String
    }

    /// Shipping address (city level, as without an RDT).
    public struct Address: Codable, Sendable, Equatable {
        public var City: String
        public var StateOrRegion: String
        public var PostalCode: String
        public var CountryCode: String
    }

    /// JSON encoder with sorted keys.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// The `getOrders` response body: `{"payload": {"Orders": [...], "NextToken": "...", "LastUpdatedBefore": "..."}}`.
public struct GetOrdersResponse: Codable, Sendable {
    public var payload: Payload

    public struct Payload: Codable, Sendable {
        public var Orders: [AmazonOrderDocument]
        public var NextToken: String?
        public var LastUpdatedBefore: String?
        public var CreatedBefore: String?
    }
}

/// The SP-API error body: `{"errors": [{"code": "...", "message": "...", "details": ""}]}`.
public struct SPAPIErrorBody: Codable, Sendable {
    public var errors: [Entry]

    public struct Entry: Codable, Sendable {
        public var code: String
        public var message: String
        public var details: String
    }

    init(code: String, message: String) {
        errors = [Entry(code: code, message: message, details: "")]
    }
}
