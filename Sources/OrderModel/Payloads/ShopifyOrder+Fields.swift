import Foundation

// Field-by-field initialisers for `ShopifyOrderReader` (the types' own `init(from:)` suppresses the
// synthesised memberwise ones).

extension ShopifyOrder {
    init(
        id: String, name: String?, createdAt: Date?, updatedAt: Date, financialStatus: String,
        fulfillmentStatus: String?, cancelledAt: Date?, cancelReason: String?, closedAt: Date?,
        returnStatus: String?, currency: String?, totalPrice: String?, fulfillments: [Fulfillment],
        refunds: [Refund], transactions: [Transaction]
    ) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.financialStatus = financialStatus
        self.fulfillmentStatus = fulfillmentStatus
        self.cancelledAt = cancelledAt
        self.cancelReason = cancelReason
        self.closedAt = closedAt
        self.returnStatus = returnStatus
        self.currency = currency
        self.totalPrice = totalPrice
        self.fulfillments = fulfillments
        self.refunds = refunds
        self.transactions = transactions
    }
}

extension ShopifyOrder.Fulfillment {
    init(id: String, status: String?, trackingCompany: String?, trackingNumbers: [String]) {
        self.id = id
        self.status = status
        self.trackingCompany = trackingCompany
        self.trackingNumbers = trackingNumbers
    }
}

extension ShopifyOrder.Refund {
    init(id: String, restockTypes: [String]) {
        self.id = id
        self.restockTypes = restockTypes
    }
}

extension ShopifyOrder.Transaction {
    init(id: String, kind: String, status: String?, gateway: String?, authorization: String?, amount: String?) {
        self.id = id
        self.kind = kind
        self.status = status
        self.gateway = gateway
        self.authorization = authorization
        self.amount = amount
    }
}
