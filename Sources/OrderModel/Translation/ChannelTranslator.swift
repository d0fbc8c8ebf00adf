import Foundation

/// Translates decoded channel payloads into `ChannelObservation`s through a `MappingMatrix`.
/// Pure: the same payload and matrix always give the same observation.
public struct ChannelTranslator: Hashable, Sendable {
    public let matrix: MappingMatrix
    private let financial, fulfillment, cancelReason, returnStatus, restockType: MappingMatrix.Table
    private let amazonStatus, erpStatus, erpRecord: MappingMatrix.Table

    public init(matrix: MappingMatrix) {
        self.matrix = matrix
        financial = matrix.table(.shopifyFinancialStatus)
        fulfillment = matrix.table(.shopifyFulfillmentStatus)
        cancelReason = matrix.table(.shopifyCancelReason)
        returnStatus = matrix.table(.shopifyReturnStatus)
        restockType = matrix.table(.shopifyRefundRestockType)
        amazonStatus = matrix.table(.amazonOrderStatus)
        erpStatus = matrix.table(.erpSalesOrderStatus)
        erpRecord = matrix.table(.erpRelatedRecord)
    }

    // MARK: Shopify

    /// A Shopify order → observation. `eventID` is the webhook id (`X-Shopify-Webhook-Id`) or, for a
    /// polled order, any deterministic id; `kind` the webhook topic.
    public func translate(
        _ order: ShopifyOrder, eventID: String, kind: String = "orders/updated"
    ) throws(MappingError) -> ChannelObservation {
        ChannelObservation(
            key: OrderKey(channel: .shopify, orderID: order.id), eventID: eventID, kind: kind,
            sourceTimestamp: order.updatedAt, version: nil,
            dimensions: try dimensions(of: order), facts: facts(of: order))
    }

    /// The dimensions a Shopify order states.
    public func dimensions(of order: ShopifyOrder) throws(MappingError) -> OrderDimensions {
        var d = OrderDimensions.initial
        try financial.patch(for: order.financialStatus).join(into: &d)
        try fulfillment.patch(for: order.fulfillmentStatus ?? "null").join(into: &d)
        if order.cancelledAt != nil {
            if let reason = order.cancelReason {
                try cancelReason.patch(for: reason).join(into: &d)
            } else {
                d.lifecycle = d.lifecycle.joined(with: .cancelled)
            }
        }
        if order.closedAt != nil { d.lifecycle = d.lifecycle.joined(with: .closed) }
        if let status = order.returnStatus { try returnStatus.patch(for: status).join(into: &d) }
        for refund in order.refunds {
            for type in refund.restockTypes { try restockType.patch(for: type).join(into: &d) }
        }
        return d
    }

    /// The facts a Shopify order carries.
    public func facts(of order: ShopifyOrder) -> OrderFacts {
        let failed: Set<String> = ["cancelled", "error", "failure"]
        var tracking: [String] = []
        for f in order.fulfillments where !failed.contains(f.status ?? "") { tracking += f.trackingNumbers }
        let captures = order.transactions.filter(\.isSuccessfulCapture).map(\.paymentReference)
        return OrderFacts(
            trackingNumbers: tracking, captureTransactionIDs: captures, refundIDs: order.refunds.map(\.id),
            cancelledAt: order.cancelledAt, cancelReason: order.cancelledAt == nil ? nil : order.cancelReason)
    }

    // MARK: Amazon

    /// An Amazon order → observation; the event id defaults to `<AmazonOrderId>@<LastUpdateDate>`.
    /// Amazon captures the payment itself and settles it per order, with no gateway transaction: once
    /// the status says captured (e.g. `Shipped`), the order id is its capture reference, so the ERP
    /// gets a deposit carrying it (without one every shipped marketplace order would be a Pattern 5
    /// payment gap that no correction could close).
    public func translate(
        _ order: AmazonOrder, eventID: String? = nil, kind: String = "amazon/order"
    ) throws(MappingError) -> ChannelObservation {
        var d = OrderDimensions.initial
        try amazonStatus.patch(for: order.orderStatus).join(into: &d)
        let captures = d.payment.isCapturedOrLater ? [order.amazonOrderID] : []
        return ChannelObservation(
            key: OrderKey(channel: .amazon, orderID: order.amazonOrderID), eventID: eventID ?? order.eventID,
            kind: kind, sourceTimestamp: order.lastUpdateDate, version: nil, dimensions: d,
            facts: OrderFacts(captureTransactionIDs: captures))
    }

    // MARK: ERP

    /// A NetSuite-style sales order → observation of the ERP's view (key `erp:<internal id>`).
    /// The event id defaults to `<id>@<lastModifiedDate>`.
    public func translate(
        _ order: NetSuiteSalesOrder, eventID: String? = nil, kind: String = "erp/salesOrder"
    ) throws(MappingError) -> ChannelObservation {
        let view = try erpView(of: order)
        return ChannelObservation(
            key: OrderKey(channel: .erp, orderID: order.id),
            eventID: eventID ?? "\(order.id)@\(RFC3339.format(order.lastModifiedDate))", kind: kind,
            sourceTimestamp: order.lastModifiedDate, version: nil, dimensions: view.dimensions,
            facts: OrderFacts(
                trackingNumbers: view.trackingNumbers, captureTransactionIDs: view.paymentReferences,
                refundIDs: view.creditMemoIDs))
    }

    /// The ERP's view of an order for the mismatch classifier.
    public func erpView(of order: NetSuiteSalesOrder) throws(MappingError) -> ERPView {
        guard let code = ERPStatusCode(rawValue: order.statusCode) else {
            throw .unmappedValue(channel: .erp, field: MappingField.erpSalesOrderStatus.name, value: order.statusCode)
        }
        var d = OrderDimensions.initial
        try erpStatus.patch(for: code.rawValue).join(into: &d)
        var records: Set<ERPRecordType> = []
        var tracking: [String] = []
        var references: [String] = []
        var creditMemos: [String] = []
        for record in order.relatedRecords {
            guard let type = ERPRecordType(rawValue: record.type), type != .salesOrder else {
                throw .unmappedValue(channel: .erp, field: MappingField.erpRelatedRecord.name, value: record.type)
            }
            if type == .invoice && (record.paymentReference ?? "").isEmpty {
                records.insert(type)
                continue  // an open invoice is not a payment
            }
            let patch: DimensionPatch
            if let status = record.status, let refined = erpRecord.entries["\(type.rawValue):\(status)"] {
                patch = refined
            } else {
                patch = try erpRecord.patch(for: type.rawValue)
            }
            patch.join(into: &d)
            records.insert(type)
            if type == .itemFulfillment && patch.fulfillment != nil { tracking += record.trackingNumbers }
            if type.carriesPayment, let ref = record.paymentReference, !ref.isEmpty { references.append(ref) }
            if type == .creditMemo { creditMemos.append(record.id) }
        }
        return ERPView(
            salesOrderID: order.id, channelKey: order.channelKey, status: code, dimensions: d, records: records,
            paymentReferences: references, trackingNumbers: tracking, creditMemoIDs: creditMemos)
    }

    // MARK: Raw payloads

    /// Decodes and translates a raw payload of `channel` (Shopify order, Amazon order, NetSuite sales order).
    public func translate(
        channel: Channel, payload: [UInt8], eventID: String?, kind: String? = nil,
        maxBytes: Int = PayloadLimits.defaultMaxBytes
    ) throws(TranslationError) -> ChannelObservation {
        do {
            switch channel {
            case .shopify:
                if kind == ShopifyOrderEdit.topic {
                    return translate(
                        try ShopifyOrderEdit.decode(from: payload, maxBytes: maxBytes), eventID: eventID, kind: kind)
                }
                let order = try ShopifyOrder.decode(from: payload, maxBytes: maxBytes)
                var observation = try translate(
                    order, eventID: eventID ?? "\(order.id)@\(RFC3339.format(order.updatedAt))",
                    kind: kind ?? "orders/updated")
                observation.facts.content = Self.content(of: payload, maxBytes: maxBytes)
                return observation
            case .amazon:
                let order = try AmazonOrder.decode(from: payload, maxBytes: maxBytes)
                var observation = try translate(order, eventID: eventID, kind: kind ?? "amazon/order")
                // The poller attaches getOrderItems' items; without them the order has no content.
                observation.facts.content = try? AmazonOrderContent.decode(from: payload, maxBytes: maxBytes)
                return observation
            case .erp:
                let order = try NetSuiteSalesOrder.decode(from: payload, maxBytes: maxBytes)
                return try translate(order, eventID: eventID, kind: kind ?? "erp/salesOrder")
            }
        } catch let error as PayloadError {
            throw .payload(error)
        } catch let error as MappingError {
            throw .mapping(error)
        } catch {
            throw .payload(.malformedJSON(reason: String(describing: error)))
        }
    }
}

/// Why a raw payload could not become an observation.
public enum TranslationError: Error, Hashable, Sendable, CustomStringConvertible {
    case payload(PayloadError)
    case mapping(MappingError)

    public var description: String {
        switch self {
        case .payload(let e): e.description
        case .mapping(let e): e.description
        }
    }
}
