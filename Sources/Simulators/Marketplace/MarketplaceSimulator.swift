import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// An Amazon SP-API-style marketplace serving `getOrders`:
/// `GET /orders/v0/orders?MarketplaceIds=…&LastUpdatedAfter=…&LastUpdatedBefore=…&MaxResultsPerPage=…&NextToken=…`,
/// and `getOrderItems`: `GET /orders/v0/orders/{orderId}/orderItems[?NextToken=…]` (``GetOrderItemsHandler``).
///
/// Like SP-API it answers with `{"payload": {"Orders": […], "NextToken": …, "LastUpdatedBefore": …}}`,
/// sends `x-amzn-RateLimit-Limit`, answers 429 `QuotaExceeded` when polled faster than its usage plan,
/// and 400 `InvalidInput` when `LastUpdatedBefore` is less than two minutes in the past.
public final class MarketplaceSimulator: Sendable {
    /// The orders.
    public let store: MarketplaceStore
    /// The HTTP server.
    public let server: SimulatorServer
    /// The usage plan.
    public let bucket: TokenBucket
    /// The usage plan of `getOrderItems`.
    public let orderItemsBucket: TokenBucket
    private let counters: RequestCounters
    private let itemCounters: RequestCounters
    private let faults: PageFaults
    private let lwa: LWATokenIssuer?
    private let rdt: RestrictedDataTokenIssuer

    private init(
        store: MarketplaceStore, server: SimulatorServer, bucket: TokenBucket, orderItemsBucket: TokenBucket,
        counters: RequestCounters, itemCounters: RequestCounters, faults: PageFaults, lwa: LWATokenIssuer?,
        rdt: RestrictedDataTokenIssuer
    ) {
        self.rdt = rdt
        self.store = store
        self.server = server
        self.bucket = bucket
        self.orderItemsBucket = orderItemsBucket
        self.counters = counters
        self.itemCounters = itemCounters
        self.faults = faults
        self.lwa = lwa
    }

    /// `<base URL>/auth/o2/token`, the LWA token endpoint (served when started with `lwa`).
    public var tokenURL: String { server.baseURL + LWATokenIssuer.path }

    /// LWA grants made and refused, and `getOrders` calls answered 403 (all 0 without `lwa`).
    public var authCounts: (granted: Int, refused: Int, unauthorized: Int) { lwa?.counts ?? (0, 0, 0) }

    /// Revokes the seller's authorization: the refresh token is refused from now on.
    public func revokeRefreshToken() { lwa?.revoke() }

    /// Every access token issued so far stops working after `requests` more `getOrders` calls
    /// (0: at once), as a token expiring (or invalidated) mid-run would.
    public func expireAccessTokens(afterRequests requests: Int = 0) { lwa?.expireTokens(afterRequests: requests) }

    /// Makes the next `times` requests for page `page` of any window (1 = the first page) fail
    /// with 500 `InternalFailure`, as SP-API does now and then. `times` 0 clears the fault.
    public func failPage(_ page: Int, times: Int = .max) {
        faults.set(page: page, times: times)
    }

    /// Requests served and requests answered 429 so far.
    public var requestCounts: (requests: Int, throttled: Int) { counters.withLock { $0 } }

    /// Restricted Data Tokens issued so far (`createRestrictedDataToken`).
    public var restrictedDataTokensIssued: Int { rdt.issuedCount }

    /// `getOrderItems` requests served and answered 429 so far.
    public var orderItemsRequestCounts: (requests: Int, throttled: Int) { itemCounters.withLock { $0 } }

    /// Starts the API on 127.0.0.1:`port`. `rate`/`burst` set the usage plan (SP-API getOrders:
    /// 0.0167/s, burst 20); `now` is the marketplace clock. Like SP-API, a 429 carries only the
    /// rate-limit header unless `sendRetryAfter` adds a `Retry-After`. With `lwa` it serves an LWA
    /// token endpoint at ``tokenURL`` and answers every `getOrders` without a live token it issued
    /// (`x-amz-access-token`) 403; without, no token is asked for. `getOrderItems` has its own plan
    /// (`orderItemsRate`/`orderItemsBurst`, SP-API: 0.5/s, burst 30) and serves `orderItemsPageSize`
    /// items a page.
    public static func start(
        store: MarketplaceStore = MarketplaceStore(), port: Int = 0, rate: Double = 0.0167, burst: Double = 20,
        orderItemsRate: Double = 0.5, orderItemsBurst: Double = 30, orderItemsPageSize: Int = 100,
        sendRetryAfter: Bool = false, lwa credentials: LWASimulatorCredentials? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "simulator.marketplace")
    ) async throws -> MarketplaceSimulator {
        let bucket = TokenBucket(rate: rate, burst: burst)
        let itemsBucket = TokenBucket(rate: orderItemsRate, burst: orderItemsBurst)
        let counters = RequestCounters()
        let itemCounters = RequestCounters()
        let router = Router()
        let faults = PageFaults()
        let accessTokenHeader = HTTPField.Name("x-amz-access-token") ?? .authorization
        let handler = GetOrdersHandler(
            store: store, bucket: bucket, now: now, sendRetryAfter: sendRetryAfter, faults: faults)
        let lwa = credentials.map { LWATokenIssuer(credentials: $0, now: now) }
        if let lwa {
            router.post(RouterPath(LWATokenIssuer.path)) { request, _ in await lwa.handle(request) }
        }
        let rdt = RestrictedDataTokenIssuer(now: now)
        router.post(RouterPath(RestrictedDataTokenIssuer.path)) { request, _ in
            if let refusal = lwa?.check(request.headers[accessTokenHeader]) { return refusal }
            return await rdt.handle(request)
        }
        router.get("/orders/v0/orders") { request, _ in
            let response: Response
            let token = request.headers[accessTokenHeader]
            if let granted = rdt.grants(token) {
                response = await handler.handle(request.uri.queryParameters, restricted: granted)
            } else if let refusal = lwa?.check(token) {
                response = refusal
            } else {
                response = await handler.handle(request.uri.queryParameters)
            }
            counters.withLock { value in
                value.requests += 1
                if response.status == .tooManyRequests { value.throttled += 1 }
            }
            return response
        }
        let items = GetOrderItemsHandler(
            store: store, bucket: itemsBucket, pageSize: orderItemsPageSize, sendRetryAfter: sendRetryAfter)
        router.get("/orders/v0/orders/:orderId/orderItems") { request, context in
            let response: Response
            if let refusal = lwa?.check(request.headers[accessTokenHeader]) {
                response = refusal
            } else {
                response = await items.handle(
                    orderID: context.parameters.get("orderId") ?? "", query: request.uri.queryParameters)
            }
            itemCounters.withLock { value in
                value.requests += 1
                if response.status == .tooManyRequests { value.throttled += 1 }
            }
            return response
        }
        let server = try await SimulatorServer.start(router: router, port: port, name: "marketplace", logger: logger)
        return MarketplaceSimulator(
            store: store, server: server, bucket: bucket, orderItemsBucket: itemsBucket, counters: counters,
            itemCounters: itemCounters, faults: faults, lwa: lwa, rdt: rdt)
    }

    /// Stops the HTTP server.
    public func stop() async {
        await server.stop()
    }
}

/// Requests served and throttled by the marketplace simulator.
final class RequestCounters: Sendable {
    private let value = Mutex((requests: 0, throttled: 0))

    func withLock<T>(_ body: (inout (requests: Int, throttled: Int)) -> T) -> T {
        value.withLock { body(&$0) }
    }
}
