import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import OrderModel

/// Reads the marketplace's orders for reconciliation through SP-API `getOrders` (`LastUpdatedAfter` /
/// `LastUpdatedBefore`, `MaxResultsPerPage`, `NextToken`), the same API the poller reads, under the
/// same call policy (``SPAPICall``): a 429 is waited out (`Retry-After`, else the
/// `x-amzn-RateLimit-Limit` rate, clamped) and counted; other failures fail the run.
///
/// Authentication and pacing are the poller's: with an ``LWATokenProvider`` (pass the poller's to
/// share its cached token) every request carries `x-amz-access-token`; a 401/403 drops that token
/// and repeats the request once with a fresh one, a second refusal or a refused refresh token fails
/// the read as ``ReconcileReadError/unauthorized(system:status:)``. With a ``RequestPacer`` (pass
/// the poller's to share getOrders' usage plan) requests wait for their place before they go.
///
/// getOrders carries no lines. With `orderItems` (the poller's configuration, when `poller.orderItems`
/// is on) the items of the orders whose content reconciliation compares are read with getOrderItems
/// (``withContent(_:)``: the poller's ``OrderItemsReader``, that operation's own plan — pass the
/// poller's ``MarketplaceAccess`` to share its reader: its plan and the items it has read already).
public struct MarketplaceOrdersReader: ChannelOrderReader {
    public var system: String { "marketplace" }
    let baseURL: String
    let marketplaceID: String
    let pageSize: Int
    let maxWait: Double
    let client: HTTPClient
    let stats: ReconcileAPIStats
    let tokens: LWATokenProvider?
    let pacer: RequestPacer?
    /// Reads orders' items (nil: `poller.orderItems` off).
    let items: OrderItemsReader?
    let sleep: @Sendable (Duration) async throws -> Void

    /// A reader of the marketplace at `baseURL` (the poller's configuration gives URL and marketplace).
    public init(
        baseURL: String, marketplaceID: String, pageSize: Int = 100, maxWaitSeconds: Double = 120,
        client: HTTPClient = .shared, stats: ReconcileAPIStats,
        tokens: LWATokenProvider? = nil, pacer: RequestPacer? = nil, orderItems: PollerConfiguration? = nil,
        orderItemsFrom access: MarketplaceAccess? = nil,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.marketplaceID = marketplaceID
        self.pageSize = max(1, min(100, pageSize))
        self.maxWait = maxWaitSeconds
        self.client = client
        self.stats = stats
        self.tokens = tokens
        self.pacer = pacer
        items = orderItems.map {
            access?.orderItems
                ?? OrderItemsReader(
                    configuration: $0, client: client, tokens: tokens,
                    logger: Logger(label: "driftless.reconcile.marketplace"))
        }
        self.sleep = sleep
    }

    public func page(
        since: Date, until: Date, cursor: String?
    ) async throws -> (orders: [ChannelOrderSnapshot], next: String?) {
        // getOrders serves changes at least two minutes old.
        let until = min(until, Date().addingTimeInterval(-121))
        return try snapshots(try await getOrders(query(since, until, cursor)))
    }

    /// One getOrders answer's body for `query`; a 429 is waited out (``SPAPICall``), other failures throw.
    func getOrders(_ query: String) async throws -> [UInt8] {
        var call = OutboundCall<HTTPAttempt.Answer>(policy: SPAPICall.policy(initialBackoff: 1, maxBackoff: maxWait))
        call.sleep = sleep
        if let pacer { call.pace = { try await pacer.acquire() } }
        let http = HTTPAttempt(client: client, timeout: SPAPICall.attemptTimeout, maxBody: SPAPICall.maxBody)
        var token: Secret?
        let ending = try await call.run(
            attempt: { _ in
                var request = HTTPClientRequest(url: "\(baseURL)/orders/v0/orders?\(query)")
                request.headers.add(name: "Accept", value: "application/json")
                token = try await accessToken()
                if let token { request.headers.add(name: "x-amz-access-token", value: token.value) }
                stats.call(system)
                do {
                    return try await http.send(request)
                } catch let error as CancellationError {
                    throw error
                } catch {
                    throw ReconcileReadError.transport(system: system, detail: String(describing: error))
                }
            },
            // A token the marketplace stopped accepting (expired early) is replaced once.
            classify: { SPAPICall.verdict($0, canRefresh: tokens != nil && token != nil) },
            refresh: { _ in
                if let tokens, let token { await tokens.invalidate(token) }
                return true
            },
            onRetry: { wait, _, _ in stats.waited(system, wait) })
        guard let answer = ending.last, ending.gaveUp != .stopped else { throw CancellationError() }
        guard ending.gaveUp == nil else {
            if SPAPICall.isRefusal(answer) {
                throw ReconcileReadError.unauthorized(system: system, status: answer.status)
            }
            throw ReconcileReadError.http(system: system, status: answer.status)
        }
        return Array(answer.body.readableBytesView)
    }

    /// The current LWA token (nil without a provider); a refused refresh token is `unauthorized`.
    private func accessToken() async throws -> Secret? {
        guard let tokens else { return nil }
        do {
            return try await tokens.accessToken()
        } catch let error as TokenEndpointError {
            switch error {
            case .rejected(_, let status, _): throw ReconcileReadError.unauthorized(system: system, status: status)
            case .unavailable: throw ReconcileReadError.transport(system: system, detail: error.description)
            }
        }
    }

    private func query(_ since: Date, _ until: Date, _ cursor: String?) -> String {
        var query = "MarketplaceIds=\(SPAPIQuery.escape(marketplaceID))"
        if let cursor { return query + "&NextToken=\(SPAPIQuery.escape(cursor))" }
        query += "&LastUpdatedAfter=\(SPAPIQuery.escape(RFC3339.format(since)))"
        query += "&LastUpdatedBefore=\(SPAPIQuery.escape(RFC3339.format(until)))"
        return query + "&MaxResultsPerPage=\(pageSize)"
    }

    func snapshots(_ bytes: [UInt8]) throws -> (orders: [ChannelOrderSnapshot], next: String?) {
        let page: GetOrdersPage
        do {
            page = try GetOrdersPage(bytes: bytes)
        } catch {
            throw ReconcileReadError.malformed(system: system, detail: String(describing: error))
        }
        var result: [ChannelOrderSnapshot] = []
        for (payload, date) in zip(page.orders, page.lastUpdateDates) {
            guard let order = try? AmazonOrder.decode(from: payload), let date else {
                throw ReconcileReadError.malformed(system: system, detail: "order without id or LastUpdateDate")
            }
            result.append(
                ChannelOrderSnapshot(
                    key: OrderKey(channel: .amazon, orderID: order.amazonOrderID), updatedAt: date, payload: payload))
        }
        return (result, page.nextToken)
    }

}
