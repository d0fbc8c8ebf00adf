import Foundation

/// An order as Shopify's REST Admin API and its order webhooks carry it (the common subset of fields,
/// snake_case, nulls written out like Shopify does).
public struct ShopifyOrderDocument: Codable, Sendable, Equatable {
    public var id: Int64
    public var adminGraphqlApiId: String
    public var name: String
    public var orderNumber: Int
    public var email: String
    public var createdAt: String
    public var updatedAt: String
    public var processedAt: String
    public var cancelledAt: Nullable<String>
    public var cancelReason: Nullable<String>
    public var closedAt: Nullable<String>
    public var currency: String
    public var presentmentCurrency: String
    public var financialStatus: String
    public var fulfillmentStatus: Nullable<String>
    public var confirmed: Bool
    public var test: Bool
    public var totalPrice: String
    public var subtotalPrice: String
    public var totalTax: String
    public var totalDiscounts: String
    public var taxesIncluded: Bool
    public var gateway: String
    public var paymentGatewayNames: [String]
    public var sourceName: String
    public var tags: String
    public var note: Nullable<String>
    public var token: String
    /// nil for a guest checkout (Shopify sends `customer: null`).
    public var customer: Customer?
    public var shippingAddress: Address
    public var billingAddress: Address
    public var lineItems: [LineItem]
    public var fulfillments: [Fulfillment]
    public var refunds: [Refund]
    /// Shipping charges (`shipping_lines`).
    public var shippingLines: [ShippingLine]? = nil
    /// Payment transactions (the GraphQL `orders` query reads them; left out of the body when nil).
    public var transactions: [Transaction]? = nil
    /// GraphQL's `returnStatus` (`RETURN_REQUESTED`, `IN_PROGRESS`, `RETURNED`, …); nil: no return.
    public var returnStatus: String? = nil

    /// A payment transaction (REST shape).
    public struct Transaction: Codable, Sendable, Equatable {
        public var id: Int64
        /// authorization, sale, capture, void, refund.
        public var kind: String
        /// success, pending, failure, error.
        public var status: String
        public var gateway: String
        /// The gateway's reference (e.g. a Stripe charge id).
        public var authorization: String
        public var amount: String

        /// Creates a transaction.
        public init(id: Int64, kind: String, status: String, gateway: String, authorization: String, amount: String) {
            self.id = id
            self.kind = kind
            self.status = status
            self.gateway = gateway
            self.authorization = authorization
            self.amount = amount
        }
    }

    /// A customer reference.
    public struct Customer: Codable, Sendable, Equatable {
        public var id: Int64
        public var email: String
        public var firstName: String
        public var lastName: String
        public var state: String
        public var verifiedEmail: Bool
    }

    /// A postal address.
    public struct Address: Codable, Sendable, Equatable {
        public var firstName: String
        public var lastName: String
        public var address1: String
        public var city: String
        public var province: String
        public var provinceCode: String
        public var zip: String
        public var country: String
        public var countryCode: String
        public var phone: Nullable<String>
    }

    /// An order line.
    public struct LineItem: Codable, Sendable, Equatable {
        public var id: Int64
        public var adminGraphqlApiId: String
        public var variantId: Int64
        public var productId: Int64
        public var title: String
        public var variantTitle: String
        public var sku: String
        public var vendor: String
        public var quantity: Int
        public var fulfillableQuantity: Int
        public var fulfillmentStatus: Nullable<String>
        public var price: String
        public var totalDiscount: String
        public var requiresShipping: Bool
        public var taxable: Bool
        public var grams: Int
        /// The quantity after edits and removals (Shopify's `current_quantity`).
        public var currentQuantity: Int? = nil
        public var taxLines: [TaxLine]? = nil
        public var discountAllocations: [DiscountAllocation]? = nil
    }

    /// A tax charged on a line (`tax_lines[]`).
    public struct TaxLine: Codable, Sendable, Equatable {
        public var title: String
        public var price: String
        public var rate: Double
    }

    /// A discount's share of a line (`discount_allocations[]`).
    public struct DiscountAllocation: Codable, Sendable, Equatable {
        public var amount: String
        public var discountApplicationIndex: Int
    }

    /// A shipping charge (`shipping_lines[]`).
    public struct ShippingLine: Codable, Sendable, Equatable {
        public var id: Int64
        public var code: String
        public var title: String
        public var price: String
    }

    /// A line of a shipment (`fulfillments[].line_items[]`: the line and the quantity shipped).
    public struct FulfilledLine: Codable, Sendable, Equatable {
        public var id: Int64
        public var sku: String
        public var quantity: Int
    }

    /// A refunded line (`refunds[].refund_line_items[]`).
    public struct RefundLine: Codable, Sendable, Equatable {
        public var id: Int64
        public var lineItemId: Int64
        public var quantity: Int
        public var subtotal: String
        public var restockType: String
    }

    /// A fulfillment (shipment).
    public struct Fulfillment: Codable, Sendable, Equatable {
        public var id: Int64
        public var orderId: Int64
        public var status: String
        public var createdAt: String
        public var updatedAt: String
        public var trackingCompany: String
        public var trackingNumber: String
        public var trackingNumbers: [String]
        public var trackingUrl: String
        public var shipmentStatus: Nullable<String>
        public var lineItemIds: [Int64]
        /// The lines and quantities of this shipment.
        public var lineItems: [FulfilledLine]? = nil
    }

    /// A refund.
    public struct Refund: Codable, Sendable, Equatable {
        public var id: Int64
        public var orderId: Int64
        public var createdAt: String
        public var note: String
        public var restock: Bool
        public var transactionId: Int64
        public var amount: String
        public var refundLineItems: [RefundLine]? = nil
    }
}

/// A value that encodes `nil` as JSON `null` instead of leaving the key out (Shopify writes nulls).
public struct Nullable<Wrapped: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var value: Wrapped?

    public init(_ value: Wrapped?) {
        self.value = value
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        value = container.decodeNil() ? nil : try container.decode(Wrapped.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}

extension ShopifyOrderDocument {
    /// Snake-case JSON encoder with sorted keys (stable bytes for signing tests).
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Snake-case JSON decoder.
    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    /// The order as JSON bytes.
    public func jsonBytes() throws -> [UInt8] { Array(try Self.encoder.encode(self)) }
}
