extension PayloadSKUReport {
    /// A payload read as an order: what it is, its content and the order's name.
    public struct ReadOrder: Sendable {
        public var kind: Kind
        public var content: OrderContent
        /// The channel's order name (`#1001`; a Shopify body without `name`: its id), or the `AmazonOrderId`.
        public var order: String
    }

    /// Why a payload is no order the check reads.
    public struct ReadFailure: Error, Hashable, Sendable {
        public var reason: String
    }

    /// Reads `bytes` as the pipeline does: the channel as `mapping diff` tells it
    /// (``PayloadReplay/channel(of:maxBytes:)``), then the content with that channel's reader —
    /// ``ShopifyOrderContent`` for a Shopify body, ``AmazonOrderContent`` for an Amazon order object
    /// (an order recorded without the poller's `OrderItems` has no lines: unreadable); a payload of no
    /// channel is tried as a raw `getOrderItems` answer. A failure says what the payload looked like
    /// and each reader's error.
    public static func read(_ bytes: [UInt8]) -> Result<ReadOrder, ReadFailure> {
        switch PayloadReplay.channel(of: bytes) {
        case .shopify:
            let content: OrderContent
            do {
                content = try ShopifyOrderContent.decode(from: bytes)
            } catch {
                return .failure(ReadFailure(reason: "a Shopify order whose content does not decode: \(error)"))
            }
            let id = (try? ShopifyOrder.decode(from: bytes))?.id
            return .success(ReadOrder(kind: .shopifyOrder, content: content, order: content.name ?? id ?? "?"))
        case .amazon:
            let decoded: OrderContent?
            do {
                decoded = try AmazonOrderContent.decode(from: bytes)
            } catch {
                return .failure(ReadFailure(reason: "an Amazon order whose OrderItems do not decode: \(error)"))
            }
            guard let content = decoded else {
                return .failure(
                    ReadFailure(
                        reason: "an Amazon order without OrderItems "
                            + "(recorded before the poller attached its getOrderItems items)"))
            }
            return .success(ReadOrder(kind: .amazonOrder, content: content, order: content.name ?? "?"))
        case .erp:
            return .failure(ReadFailure(reason: "an ERP sales order, not a channel order"))
        case nil:
            let itemsError: PayloadError
            do {
                let content = try AmazonOrderContent.decodeOrderItemsAnswer(from: bytes)
                return .success(ReadOrder(kind: .amazonOrderItems, content: content, order: content.name ?? "?"))
            } catch {
                itemsError = error
            }
            switch itemsError {
            case .malformedJSON, .tooLarge: return .failure(ReadFailure(reason: itemsError.description))
            default: break
            }
            let shopify = failure { () throws(PayloadError) in _ = try ShopifyOrder.decode(from: bytes) }
            let amazon = failure { () throws(PayloadError) in _ = try AmazonOrder.decode(from: bytes) }
            return .failure(
                ReadFailure(
                    reason: "neither a Shopify order (\(shopify)), an Amazon order (\(amazon)) "
                        + "nor a getOrderItems answer (\(itemsError))"))
        }
    }

    /// The error `body` throws, as text.
    private static func failure(_ body: () throws(PayloadError) -> Void) -> String {
        do {
            try body()
            return "read"
        } catch {
            return error.description
        }
    }
}
