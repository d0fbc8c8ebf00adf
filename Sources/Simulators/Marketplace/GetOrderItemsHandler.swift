import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The `getOrderItems` operation of the marketplace simulator,
/// `GET /orders/v0/orders/{orderId}/orderItems[?NextToken=…]`, as the SP-API Orders v0 reference
/// documents it (https://developer-docs.amazon.com/sp-api/docs/orders-api-v0-reference#getorderitems):
/// `{"payload": {"OrderItems": […], "NextToken": …, "AmazonOrderId": …}}`, a next page while
/// `NextToken` is present; its own usage plan (rate 0.5 requests/s, burst 30), the
/// `x-amzn-RateLimit-Limit` header on every answer and 429 `QuotaExceeded` beyond it; an unknown
/// order 404 `NotFound`, an unreadable token 400 `InvalidInput`.
struct GetOrderItemsHandler: Sendable {
    let store: MarketplaceStore
    let bucket: TokenBucket
    /// Items per page (SP-API does not document its page size; small pages exercise `NextToken`).
    let pageSize: Int
    let sendRetryAfter: Bool

    func handle(orderID: String, query: Parameters) async -> Response {
        guard bucket.take() else {
            var response = error(
                .tooManyRequests, code: "QuotaExceeded", message: "You exceeded your quota for the requested resource.")
            if sendRetryAfter { response.headers[.retryAfter] = "\(max(1, Int((1 / bucket.rate).rounded(.up))))" }
            return response
        }
        guard let items = await store.orderItems(orderID) else {
            return error(.notFound, code: "NotFound", message: "Order \(orderID.prefix(40)) was not found.")
        }
        var offset = 0
        if let token = query.get("NextToken") {
            let parts = token.split(separator: "_")
            guard parts.count == 3, parts[0] == "oi", parts[1] == Substring(orderID), let start = Int(parts[2]),
                start > 0, start < items.count
            else { return error(.badRequest, code: "InvalidInput", message: "Invalid NextToken") }
            offset = start
        }
        let page = Array(items.dropFirst(offset).prefix(max(1, pageSize)))
        let next = offset + page.count < items.count ? "oi_\(orderID)_\(offset + page.count)" : nil
        let body = GetOrderItemsResponse(payload: .init(OrderItems: page, NextToken: next, AmazonOrderId: orderID))
        return encode(body, status: .ok)
    }

    private func error(_ status: HTTPResponse.Status, code: String, message: String) -> Response {
        encode(SPAPIErrorBody(code: code, message: message), status: status)
    }

    private func encode<T: Encodable>(_ value: T, status: HTTPResponse.Status) -> Response {
        let data = (try? AmazonOrderDocument.encoder.encode(value)) ?? Data("{}".utf8)
        var response = Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        if let name = GetOrdersHandler.rateLimitHeader { response.headers[name] = String(bucket.rate) }
        return response
    }
}
