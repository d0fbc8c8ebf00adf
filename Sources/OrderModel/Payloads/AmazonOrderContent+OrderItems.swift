extension AmazonOrderContent {
    /// The content of a raw `getOrderItems` answer, `{"payload": {"AmazonOrderId": …, "OrderItems": […],
    /// "NextToken": …}}` (one page; SP-API Orders v0 reference, "getOrderItems", "OrderItemsList":
    /// https://developer-docs.amazon.com/sp-api/docs/orders-api-v0-reference#getorderitems): its
    /// lines, read item by item exactly as those of an order carrying ``itemsKey``, named by
    /// `AmazonOrderId`. The answer has no order fields, so the content has no stamp, totals, shipping
    /// or capture (the order object carries those). A `PayloadError` naming the JSON path that does
    /// not fit (`$.payload` when `bytes` is not such an answer).
    public static func decodeOrderItemsAnswer(
        from bytes: [UInt8], maxBytes: Int = PayloadLimits.defaultMaxBytes
    ) throws(PayloadError) -> OrderContent {
        let answer = try PayloadDecoding.decode(OrderItemsAnswer.self, from: bytes, maxBytes: maxBytes)
        return OrderContent(stamp: nil, name: answer.payload.orderID, lines: answer.payload.items.map(\.line))
    }

    /// `getOrderItems`' response body.
    struct OrderItemsAnswer: Decodable {
        var payload: OrderItemsList

        /// `OrderItemsList`: `AmazonOrderId` and `OrderItems` are required.
        struct OrderItemsList: Decodable {
            var orderID: String
            var items: [Item]

            enum CodingKeys: String, CodingKey {
                case orderID = "AmazonOrderId"
                case items = "OrderItems"
            }
        }
    }
}
