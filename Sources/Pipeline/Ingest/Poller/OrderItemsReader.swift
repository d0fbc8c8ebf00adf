import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import OrderModel

/// Reads an order's items with SP-API `getOrderItems`,
/// `GET /orders/v0/orders/{orderId}/orderItems` (Orders API v0 reference,
/// https://developer-docs.amazon.com/sp-api/docs/orders-api-v0-reference#getorderitems): every
/// `payload.OrderItems` page, following `NextToken`, paced to the operation's own usage plan
/// (``RequestPacer``; SP-API: 0.5 requests/s, burst 30), 429 answers waited out and a refused LWA
/// token refreshed once as for `getOrders` (``SPAPICall``).
///
/// Items are read once per order version: the answer is kept by `<AmazonOrderId>@<LastUpdateDate>`
/// (a window read again after a failure, or an order that did not change, costs no request).
actor OrderItemsReader {
    private let baseURL: String
    private let client: HTTPClient
    private let tokens: LWATokenProvider?
    private let pacer: RequestPacer
    private let initialBackoff: Double
    private let maxBackoff: Double
    private let logger: Logger
    /// `OrderItems` JSON (an array) by order version.
    private var cache: [String: [Any]] = [:]
    /// Beyond this many versions the cache starts again.
    static let maxCached = 10_000
    /// Requests sent (pages, retries after 429 included).
    private(set) var requests = 0

    /// `pacer`: getOrderItems' usage plan shared with another reader of the same account (the
    /// poller's and reconciliation's, ``MarketplaceAccess``); nil: one of its own.
    init(
        configuration: PollerConfiguration, client: HTTPClient, tokens: LWATokenProvider?, pacer: RequestPacer? = nil,
        logger: Logger
    ) {
        baseURL = configuration.baseURL
        self.client = client
        self.tokens = tokens
        self.pacer =
            pacer
            ?? RequestPacer(
                rate: configuration.orderItemsRateLimitPerSecond, burst: configuration.orderItemsRateLimitBurst)
        initialBackoff = configuration.initialBackoffSeconds
        maxBackoff = configuration.maxBackoffSeconds
        self.logger = logger
    }

    /// The order object `order` (raw JSON) with its items attached under
    /// ``AmazonOrderContent/itemsKey``; an order that does not decode is returned as it is
    /// (validate quarantines it).
    func attachingItems(to order: [UInt8]) async throws -> [UInt8] {
        try await attachingItemsCounted(to: order).payload
    }

    /// ``attachingItems(to:)`` and the getOrderItems requests it sent (0: answered from the cache).
    func attachingItemsCounted(to order: [UInt8]) async throws -> (payload: [UInt8], requests: Int) {
        guard let decoded = try? AmazonOrder.decode(from: order),
            var object = (try? JSONSerialization.jsonObject(with: Data(order))) as? [String: Any]
        else { return (order, 0) }
        let (items, sent) = try await items(orderID: decoded.amazonOrderID, version: decoded.eventID)
        object[AmazonOrderContent.itemsKey] = items
        guard JSONSerialization.isValidJSONObject(object) else { return (order, sent) }
        let payload = Array(
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
        return (payload, sent)
    }

    /// Every item of order `orderID` (cached by `version`), and the requests sent for them.
    private func items(orderID: String, version: String) async throws -> (items: [Any], requests: Int) {
        if let cached = cache[version] { return (cached, 0) }
        var all: [Any] = []
        var sent = 0
        var nextToken: String?
        repeat {
            let page = try await fetch(orderID: orderID, nextToken: nextToken)
            all += page.items
            sent += page.requests
            nextToken = page.nextToken
        } while nextToken != nil
        if cache.count >= Self.maxCached { cache = [:] }
        cache[version] = all
        return (all, sent)
    }

    private func fetch(
        orderID: String, nextToken: String?
    ) async throws -> (items: [Any], nextToken: String?, requests: Int) {
        var call = OutboundCall<HTTPAttempt.Answer>(
            policy: SPAPICall.policy(initialBackoff: initialBackoff, maxBackoff: maxBackoff))
        call.pace = { try await self.pacer.acquire() }
        let http = HTTPAttempt(client: client, timeout: SPAPICall.attemptTimeout, maxBody: SPAPICall.maxBody)
        var url = "\(baseURL)/orders/v0/orders/\(SPAPIQuery.escape(orderID))/orderItems"
        if let nextToken { url += "?NextToken=\(SPAPIQuery.escape(nextToken))" }
        var token: Secret?
        let ending = try await call.run(
            attempt: { [url] _ in
                var request = HTTPClientRequest(url: url)
                request.method = .GET
                request.headers.add(name: "Accept", value: "application/json")
                token = try await tokens?.pollerAccessToken()
                if let token { request.headers.add(name: "x-amz-access-token", value: token.value) }
                requests += 1
                return try await http.send(request)
            },
            classify: { SPAPICall.verdict($0, canRefresh: tokens != nil && token != nil) },
            refresh: { _ in
                if let tokens, let token { await tokens.invalidate(token) }
                return true
            },
            onRetry: { wait, _, _ in
                logger.info("getOrderItems throttled (429)", metadata: ["wait-s": "\(DurationSeconds.of(wait))"])
            })
        guard let answer = ending.last, ending.gaveUp != .stopped else { throw CancellationError() }
        let sent = ending.stats.attempts
        guard ending.gaveUp == nil else {
            let detail = answer.text(prefix: 300)
            if SPAPICall.isRefusal(answer) {
                throw PollerError.unauthorized(status: answer.status, body: "getOrderItems: \(detail)")
            }
            throw PollerError.http(status: answer.status, body: "getOrderItems \(orderID): " + detail)
        }
        guard let root = (try? JSONSerialization.jsonObject(with: Data(buffer: answer.body))) as? [String: Any],
            let payload = root["payload"] as? [String: Any], let items = payload["OrderItems"] as? [Any]
        else { throw PollerError.malformedPage("getOrderItems \(orderID): no payload.OrderItems") }
        let next = (payload["NextToken"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        return (items, next, sent)
    }

}
