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
        public var BuyerName: String?
    }

    /// Shipping address: city level; `Name` and `AddressLine1` are restricted data (RDT only).
    public struct Address: Codable, Sendable, Equatable {
        public var Name: String? = nil
        public var AddressLine1: String? = nil
        public var City: String
        public var StateOrRegion: String
        public var PostalCode: String
        public var CountryCode: String
    }

    /// The order as `getOrders` returns it to a call made with a Restricted Data Token for
    /// `dataElements` (`buyerInfo`: `BuyerInfo`; `shippingAddress`: the full `ShippingAddress`).
    /// The personal data is made up from the order id (the same on every read).
    public func withRestrictedData(_ dataElements: Set<String>) -> AmazonOrderDocument {
        var order = self
        let number = AmazonOrderId.filter(\.isNumber).suffix(4)
        if dataElements.contains("buyerInfo") {
            order.BuyerInfo = Buyer(BuyerEmail: "\(AmazonOrderId)@marketplace.amazon.com", BuyerName: "Buyer \(number)")
        }
        if dataElements.contains("shippingAddress") {
            order.ShippingAddress.Name = "Buyer \(number)"
            order.ShippingAddress.AddressLine1 = "\(Int(number) ?? 1) Pine St"
        }
        return order
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
