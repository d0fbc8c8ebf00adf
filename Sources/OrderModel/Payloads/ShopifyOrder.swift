import Foundation

/// The parts of a Shopify REST `Order` (webhook body of `orders/*`) that the domain needs. Unknown
/// fields are ignored; `id`, `updated_at` and `financial_status` are required.
public struct ShopifyOrder: Decodable, Hashable, Sendable {
    public var id: String
    public var name: String?
    public var createdAt: Date?
    public var updatedAt: Date
    public var financialStatus: String
    /// nil = unfulfilled (Shopify sends `null`).
    public var fulfillmentStatus: String?
    public var cancelledAt: Date?
    public var cancelReason: String?
    public var closedAt: Date?
    /// Return status as GraphQL reports it (`RETURN_REQUESTED`, `IN_PROGRESS`, `RETURNED`, …), when the
    /// sender includes it.
    public var returnStatus: String?
    public var currency: String?
    public var totalPrice: String?
    public var fulfillments: [Fulfillment]
    public var refunds: [Refund]
    public var transactions: [Transaction]

    /// A fulfilment (shipment) of some lines.
    public struct Fulfillment: Decodable, Hashable, Sendable {
        public var id: String
        /// pending, open, success, cancelled, error, failure.
        public var status: String?
        public var trackingCompany: String?
        public var trackingNumbers: [String]

        enum CodingKeys: String, CodingKey {
            case id, status
            case trackingCompany = "tracking_company"
            case trackingNumber = "tracking_number"
            case trackingNumbers = "tracking_numbers"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decodeID(forKey: .id)
            status = try c.decodeIfPresent(String.self, forKey: .status)
            trackingCompany = try c.decodeIfPresent(String.self, forKey: .trackingCompany)
            // `tracking_numbers` supersedes the older single `tracking_number`.
            if let numbers = try c.decodeIfPresent([String].self, forKey: .trackingNumbers) {
                trackingNumbers = numbers
            } else {
                trackingNumbers = try c.decodeIfPresent(String.self, forKey: .trackingNumber).map { [$0] } ?? []
            }
        }
    }

    /// A refund, possibly with restocked (returned) lines. (Its transactions are not decoded: the
    /// domain takes refund state from `financial_status`.)
    public struct Refund: Decodable, Hashable, Sendable {
        public var id: String
        /// `restock_type` of each refunded line: no_restock, cancel, return, legacy_restock.
        public var restockTypes: [String]

        enum CodingKeys: String, CodingKey {
            case id
            case refundLineItems = "refund_line_items"
        }
        struct LineItem: Decodable {
            var restockType: String?
            enum CodingKeys: String, CodingKey { case restockType = "restock_type" }
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decodeID(forKey: .id)
            restockTypes = try (c.decodeIfPresent([LineItem].self, forKey: .refundLineItems) ?? [])
                .compactMap(\.restockType)
        }
    }

    /// A payment transaction.
    public struct Transaction: Decodable, Hashable, Sendable {
        public var id: String
        /// authorization, sale, capture, void, refund.
        public var kind: String
        /// success, pending, failure, error.
        public var status: String?
        public var gateway: String?
        /// The gateway's reference (e.g. a Stripe charge or payment intent id).
        public var authorization: String?
        public var amount: String?

        enum CodingKeys: String, CodingKey { case id, kind, status, gateway, authorization, amount }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decodeID(forKey: .id)
            kind = try c.decode(String.self, forKey: .kind)
            status = try c.decodeIfPresent(String.self, forKey: .status)
            gateway = try c.decodeIfPresent(String.self, forKey: .gateway)
            authorization = try c.decodeIfPresent(String.self, forKey: .authorization)
            amount = try c.decodeIfPresent(String.self, forKey: .amount)
        }

        /// A successful capture or sale: money taken.
        public var isSuccessfulCapture: Bool {
            (kind == "capture" || kind == "sale") && (status == nil || status == "success")
        }

        /// The id to match against the ERP's payment reference: the gateway reference when present.
        public var paymentReference: String { authorization.flatMap { $0.isEmpty ? nil : $0 } ?? id }
    }

    enum CodingKeys: String, CodingKey {
        case id, name
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case financialStatus = "financial_status"
        case fulfillmentStatus = "fulfillment_status"
        case cancelledAt = "cancelled_at"
        case cancelReason = "cancel_reason"
        case closedAt = "closed_at"
        case returnStatus = "return_status"
        case currency
        case totalPrice = "total_price"
        case fulfillments, refunds, transactions
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeID(forKey: .id)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        createdAt = try c.decodeTimestampIfPresent(forKey: .createdAt)
        updatedAt = try c.decodeTimestamp(forKey: .updatedAt)
        financialStatus = try c.decode(String.self, forKey: .financialStatus)
        fulfillmentStatus = try c.decodeIfPresent(String.self, forKey: .fulfillmentStatus)
        cancelledAt = try c.decodeTimestampIfPresent(forKey: .cancelledAt)
        cancelReason = try c.decodeIfPresent(String.self, forKey: .cancelReason)
        closedAt = try c.decodeTimestampIfPresent(forKey: .closedAt)
        returnStatus = try c.decodeIfPresent(String.self, forKey: .returnStatus)
        currency = try c.decodeIfPresent(String.self, forKey: .currency)
        totalPrice = try c.decodeIfPresent(String.self, forKey: .totalPrice)
        fulfillments = try c.decodeIfPresent([Fulfillment].self, forKey: .fulfillments) ?? []
        refunds = try c.decodeIfPresent([Refund].self, forKey: .refunds) ?? []
        transactions = try c.decodeIfPresent([Transaction].self, forKey: .transactions) ?? []
    }

    /// Decodes an order webhook body; rejects bodies over `maxBytes` before parsing.
    ///
    /// Single-pass `ShopifyOrderReader` first; whatever it does not handle (errors included) is decoded
    /// by `JSONDecoder`, so results and errors are exactly `JSONDecoder`'s.
    public static func decode(
        from bytes: [UInt8], maxBytes: Int = PayloadLimits.defaultMaxBytes
    ) throws(PayloadError) -> ShopifyOrder {
        guard bytes.count <= maxBytes else { throw .tooLarge(size: bytes.count, limit: maxBytes) }
        if let order = bytes.withUnsafeBufferPointer(ShopifyOrderReader.read) { return order }
        return try PayloadDecoding.decode(ShopifyOrder.self, from: bytes, maxBytes: maxBytes)
    }

    /// Decodes an order webhook body; rejects bodies over `maxBytes` before parsing.
    ///
    /// Same fast path and fallback as `decode(from: [UInt8], maxBytes:)`.
    public static func decode(
        from data: Data, maxBytes: Int = PayloadLimits.defaultMaxBytes
    ) throws(PayloadError) -> ShopifyOrder {
        guard data.count <= maxBytes else { throw .tooLarge(size: data.count, limit: maxBytes) }
        let fast = data.withUnsafeBytes { raw in raw.withMemoryRebound(to: UInt8.self, ShopifyOrderReader.read) }
        if let fast { return fast }
        return try PayloadDecoding.decode(ShopifyOrder.self, from: data, maxBytes: maxBytes)
    }
}
