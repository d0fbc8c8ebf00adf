import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import OrderModel

/// Reads the storefront's orders updated since a time through the Shopify GraphQL Admin API: the
/// `orders` query with an `updated_at:>=` search, sorted by `UPDATED_AT`, one page per `next()` of
/// ``ShopifyOrderPages`` (cursor pagination; nothing but the current page is held).
///
/// Throttling is cost-based: a `THROTTLED` answer (HTTP 200 with `errors`) waits until the bucket has
/// restored the query's cost (`extensions.cost.throttleStatus`), then asks again for the same page; an
/// HTTP 429 waits its `Retry-After`. Any other `errors` body is a failure, even with HTTP 200.
public struct ShopifyOrdersReader: Sendable {
    /// The system name in stats and errors.
    public static let system = "storefront"
    let configuration: ShopifyAdminConfiguration
    let client: HTTPClient
    let stats: ReconcileAPIStats
    let logger: Logger
    let sleep: @Sendable (Duration) async throws -> Void

    /// A reader; the configuration is validated (an empty token is a configuration error).
    public init(
        configuration: ShopifyAdminConfiguration, client: HTTPClient = .shared, stats: ReconcileAPIStats,
        logger: Logger = Logger(label: "driftless.reconcile.storefront"),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) throws(PipelineConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        self.client = client
        self.stats = stats
        self.logger = logger
        self.sleep = sleep
    }

    /// The pages of orders updated at or after `since`.
    public func pages(updatedSince since: Date) -> ShopifyOrderPages {
        ShopifyOrderPages(reader: self, since: since)
    }

    static let query = """
        query Orders($first: Int!, $after: String, $query: String) {
          orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
            edges { cursor node { id legacyResourceId name createdAt updatedAt cancelledAt cancelReason closedAt
              displayFinancialStatus displayFulfillmentStatus returnStatus currencyCode
              fulfillments { id status trackingInfo { company number } \(ShopifyGraphQLContent.fulfillmentSelection) }
              transactions { id kind status gateway authorizationCode amountSet { shopMoney { amount } } }
              refunds(first: 50) { id legacyResourceId createdAt note
                transactions(first: 10) { edges { node { id kind status amountSet { shopMoney { amount currencyCode } } } } }
                refundLineItems(first: 50) { edges { node { \(ShopifyGraphQLContent.refundLineSelection) } } } }
              \(ShopifyGraphQLContent.selection) } }
            pageInfo { hasNextPage endCursor }
          }
        }
        """

    /// One page: the snapshots and the next cursor (nil: last page).
    func page(since: Date, after: String?) async throws -> (orders: [ChannelOrderSnapshot], next: String?) {
        try await page(search: "updated_at:>='\(RFC3339.format(since))'", first: configuration.pageSize, after: after)
    }

    /// One page of the orders matching `search` (Shopify's search syntax).
    func page(search: String, first: Int, after: String?) async throws -> (
        orders: [ChannelOrderSnapshot], next: String?
    ) {
        var variables: [String: Any] = ["first": first, "query": search]
        variables["after"] = after ?? NSNull()
        let body = try JSONSerialization.data(withJSONObject: ["query": Self.query, "variables": variables])
        var call = OutboundCall<Answer>(policy: policy)
        call.sleep = sleep
        let ending = try await call.run(
            attempt: { _ in try await post(body) },
            classify: { answer in
                switch answer {
                case .page: .success
                case .wait(let seconds): .failed(.init(throttled: true, retryAfter: seconds))
                case .transient: .failed(.init())
                }
            },
            onRetry: { wait, throttled, _ in
                guard throttled else { return }
                stats.waited(Self.system, wait)
                logger.debug("storefront throttled; waiting", metadata: ["wait": "\(wait)"])
            })
        switch (ending.gaveUp, ending.last) {
        case (nil, .page(let data)?): return try Self.read(data)
        case (.throttledTooLong, _): throw ReconcileReadError.throttledTooLong(system: Self.system)
        case (.attemptsExhausted, .transient(let error)?): throw error
        default: throw CancellationError()
        }
    }

    /// The Admin API's call policy: a throttle (`THROTTLED`, or a 429 and its `Retry-After`, else
    /// 1 s) waited out at most 50 times, each wait at most `maxThrottleWait`; a 5xx or a transport
    /// failure attempted again after 0.5, 1, 2 s, then the read fails; a refused token is final
    /// (it is configured, there is nothing to refresh).
    var policy: OutboundCallPolicy {
        OutboundCallPolicy(
            attemptTimeout: max(.seconds(1), configuration.requestTimeout), maxAttempts: 4, maxThrottledWaits: 50,
            throttlesCountAsAttempts: false,
            backoff: OutboundBackoff(initial: .milliseconds(500), maximum: .seconds(2)),
            throttleBackoff: .constant(.seconds(1)), waits: .zero...max(.zero, configuration.maxThrottleWait),
            refreshesCredentialOnce: false)
    }

    /// One attempt's answer: a page, a throttle (the server's wait in seconds, nil: none usable),
    /// or a failure worth another attempt.
    private enum Answer {
        case page([String: Any])
        case wait(Double?)
        case transient(ReconcileReadError)
    }

    private func post(_ body: Data) async throws -> Answer {
        var request = HTTPClientRequest(url: configuration.endpoint)
        request.method = .POST
        request.headers.add(name: "X-Shopify-Access-Token", value: configuration.accessToken.value)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        stats.call(Self.system)
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await client.execute(
                request, timeout: max(.seconds(1), configuration.requestTimeout).timeAmount)
            bytes = try await response.body.collect(upTo: 64 << 20)
        } catch let error as CancellationError {
            throw error
        } catch {
            return .transient(.transport(system: Self.system, detail: String(describing: error)))
        }
        let status = Int(response.status.code)
        switch status {
        case 200: break
        case 401, 403: throw ReconcileReadError.unauthorized(system: Self.system, status: status)
        case 429: return .wait(response.headers.first(name: "Retry-After").flatMap { RetryAfter.seconds($0) })
        case 500...599: return .transient(.http(system: Self.system, status: status))
        default: throw ReconcileReadError.http(system: Self.system, status: status)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any]
        else { throw ReconcileReadError.malformed(system: Self.system, detail: "not a JSON object") }
        if let errors = object["errors"] {
            if let wait = Self.throttleWait(errors: errors, extensions: object["extensions"]) {
                return .wait(DurationSeconds.of(wait))
            }
            throw ReconcileReadError.graphQL(message: Self.firstMessage(errors))
        }
        return .page(object)
    }

    /// For a `THROTTLED` error: how long until the bucket holds the requested cost again.
    static func throttleWait(errors: Any, extensions: Any?) -> Duration? {
        let list = errors as? [[String: Any]] ?? []
        guard list.contains(where: { ($0["extensions"] as? [String: Any])?["code"] as? String == "THROTTLED" })
        else { return nil }
        let cost = (extensions as? [String: Any])?["cost"] as? [String: Any]
        let throttle = cost?["throttleStatus"] as? [String: Any]
        let requested = (cost?["requestedQueryCost"] as? NSNumber)?.doubleValue ?? 0
        let available = (throttle?["currentlyAvailable"] as? NSNumber)?.doubleValue ?? 0
        let rate = (throttle?["restoreRate"] as? NSNumber)?.doubleValue ?? 50
        let seconds = rate > 0 ? max(0.05, (requested - available) / rate) : 1
        // Cost and rate come from the server: `(1e308 − -1e308) / 1e-300` must not trap.
        return DurationSeconds.clamped(seconds, to: .milliseconds(50)...maxThrottleSeconds, otherwise: .seconds(1))
    }

    /// The longest wait a throttle status can ask for (the configuration's `maxThrottleWait` then applies).
    static let maxThrottleSeconds: Duration = .seconds(3600)

    static func firstMessage(_ errors: Any) -> String {
        if let text = errors as? String { return text }
        let message = (errors as? [[String: Any]])?.first?["message"] as? String
        return String((message ?? "unknown error").prefix(200))
    }

    static func read(_ object: [String: Any]) throws -> (orders: [ChannelOrderSnapshot], next: String?) {
        guard let orders = (object["data"] as? [String: Any])?["orders"] as? [String: Any],
            let edges = orders["edges"] as? [[String: Any]]
        else { throw ReconcileReadError.malformed(system: system, detail: "no data.orders.edges") }
        var snapshots: [ChannelOrderSnapshot] = []
        snapshots.reserveCapacity(edges.count)
        for edge in edges {
            guard let node = edge["node"] as? [String: Any] else {
                throw ReconcileReadError.malformed(system: system, detail: "edge without node")
            }
            snapshots.append(try ShopifyGraphQLOrder.snapshot(of: node))
        }
        let info = orders["pageInfo"] as? [String: Any]
        let hasNext = info?["hasNextPage"] as? Bool ?? false
        let next = hasNext ? info?["endCursor"] as? String : nil
        if hasNext && next == nil {
            throw ReconcileReadError.malformed(system: system, detail: "hasNextPage without endCursor")
        }
        return (snapshots, next)
    }
}
