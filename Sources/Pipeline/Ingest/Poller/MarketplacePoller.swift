import AsyncHTTPClient
import Foundation
import Kafka
import Ledger
import Logging
import NIOCore
import NIOHTTP1
import OrderModel

/// Polls an SP-API-style `getOrders` endpoint window by window and produces every order state to
/// `<p>.ingest.raw`.
///
/// A window is `[checkpoint, min(now − lag, checkpoint + maxWindowSeconds))` (lag ≥ 2 min, as
/// SP-API requires), read page by page with `NextToken`. After each page whose records Kafka
/// acknowledged, the checkpoint moves up to just below the latest `LastUpdateDate` read (see
/// ``WindowProgress``); after the last page, to the window's end. A failure on page k therefore
/// restarts at page k's orders, not at page 1, and a restart never skips an order (the few read
/// twice are deduped downstream by event id `<AmazonOrderId>@<LastUpdateDate>`). A window cut
/// short by `maxWindowSeconds` is followed at once by the next one.
/// Requests are paced to the operation's usage plan (``RequestPacer``, `rateLimitPerSecond` /
/// `rateLimitBurst`) before the server has to refuse them; 429 answers are still honoured:
/// `Retry-After` when present, else 1 / `x-amzn-RateLimit-Limit`, else exponential back-off —
/// every wait clamped to `maxBackoffSeconds` (``SPAPICall``, the process's one SP-API call policy).
///
/// With `orderItems` on, each order's items are read with `getOrderItems` (``OrderItemsReader``: once
/// per order version, paced to that operation's own plan) and attached to the order object under
/// `OrderItems` before it is produced, so the order's content (lines, amounts) reaches the ERP.
/// Buyer and address data come only with `restrictedDataToken` on (off by default): `getOrders` is
/// then called with a Restricted Data Token (``RestrictedDataTokens``) and returns `BuyerInfo` and the
/// full `ShippingAddress`; without it the content has no customer and no address (``AmazonOrderContent``).
///
/// `pacer` (default: one of its own) and `tokens` may be shared with other SP-API callers of the
/// process (the reconciliation reader). With an ``LWATokenProvider`` every request carries
/// `x-amz-access-token`. A 401/403 drops that token and retries once with a fresh one; a second
/// refusal, or a token endpoint refusing the refresh token, stops the poller: logged as critical,
/// readiness off (`credentials-rejected`), the checkpoint left where the last acknowledged page put
/// it (nothing skipped).
public actor MarketplacePoller {
    /// What one window brought.
    public struct WindowResult: Sendable, Equatable {
        public var after: Date
        public var before: Date
        public var pages: Int
        public var records: Int
        public var throttled: Int
        /// Times the checkpoint moved before the window's end (after a page).
        public var pageCheckpoints: Int = 0
        /// The window ended at `maxWindowSeconds`, before now − lag: more is waiting.
        public var truncated: Bool = false
    }

    private let configuration: PollerConfiguration
    private let topics: PipelineTopics
    private let sink: any RecordSink
    private let audit: any AuditSink
    private let checkpoints: any PollerCheckpointStore
    private let client: HTTPClient
    private let now: @Sendable () -> Date
    private let replica: String
    private let logger: Logger
    private let tokens: LWATokenProvider?
    private let health: HealthState?
    private let pacer: RequestPacer
    /// Reads each order's items (nil when `orderItems` is off).
    private let itemsReader: OrderItemsReader?
    /// The Restricted Data Token `getOrders` is called with (nil when `restrictedDataToken` is off).
    private let restricted: RestrictedDataTokens?
    /// Total 429 answers seen.
    public private(set) var throttledCount = 0
    /// Why the poller stopped for good (refused credentials), nil while it runs.
    public private(set) var stoppedBecause: PollerError?

    public init(
        configuration: PollerConfiguration, topics: PipelineTopics, sink: any RecordSink, audit: any AuditSink,
        checkpoints: any PollerCheckpointStore, client: HTTPClient = .shared,
        now: @escaping @Sendable () -> Date = { Date() }, replica: String = "poller-0",
        tokens: LWATokenProvider? = nil, pacer: RequestPacer? = nil, orderItemsFrom access: MarketplaceAccess? = nil,
        health: HealthState? = nil, logger: Logger = Logger(label: "driftless.ingest.poller")
    ) {
        self.tokens = tokens
        self.health = health
        self.pacer =
            pacer ?? RequestPacer(rate: configuration.rateLimitPerSecond, burst: configuration.rateLimitBurst)
        self.configuration = configuration
        self.topics = topics
        self.sink = sink
        self.audit = audit
        self.checkpoints = checkpoints
        self.client = client
        self.now = now
        self.replica = replica
        self.logger = logger
        restricted =
            configuration.restrictedDataToken
            ? RestrictedDataTokens(baseURL: configuration.baseURL, client: client, tokens: tokens) : nil
        itemsReader =
            configuration.orderItems
            ? access?.orderItems
                ?? OrderItemsReader(configuration: configuration, client: client, tokens: tokens, logger: logger)
            : nil
    }

    /// `getOrderItems` requests sent so far (0 while `orderItems` is off).
    public var orderItemsRequests: Int {
        get async { await itemsReader?.requests ?? 0 }
    }

    /// Polls windows until cancelled, pausing `intervalSeconds` between them. Errors of one window
    /// are logged and the window is retried after the interval — except refused credentials, which
    /// stop the poller (``stoppedBecause``, readiness off).
    public func run() async {
        while !Task.isCancelled {
            do {
                if try await pollWindow()?.truncated == true { continue }
            } catch is CancellationError {
                return
            } catch let error as PollerError where error.isCredentialFailure {
                stoppedBecause = error
                health?.markCredentialsRejected("poller")
                logger.critical(
                    "marketplace poller stopped: \(error); replace the LWA credentials and restart",
                    metadata: ["checkpoint": "kept at the last acknowledged page"])
                return
            } catch {
                logger.warning("poll window failed; will retry", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(
                for: DurationSeconds.clamped(
                    configuration.intervalSeconds, to: SPAPICall.minimumWait...SPAPICall.ceiling,
                    otherwise: SPAPICall.ceiling))
        }
    }

    /// Reads one window, produces its records page by page and advances the checkpoint as pages
    /// complete. Returns nil when the window would be empty (checkpoint already at now − lag).
    public func pollWindow() async throws -> WindowResult? {
        let current = now()
        let latest = current.addingTimeInterval(-configuration.lagSeconds)
        let after =
            try await checkpoints.load(configuration.name)
            ?? current.addingTimeInterval(-configuration.initialLookbackSeconds)
        guard after < latest else { return nil }
        let before = min(latest, after.addingTimeInterval(configuration.maxWindowSeconds))
        var result = WindowResult(after: after, before: before, pages: 0, records: 0, throttled: 0)
        result.truncated = before < latest
        var progress = WindowProgress(start: after)
        var saved = after
        var nextToken: String?
        repeat {
            let page = try await fetchPage(after: after, before: before, nextToken: nextToken, result: &result)
            result.pages += 1
            var orders = page.orders
            if let itemsReader {
                for index in orders.indices { orders[index] = try await itemsReader.attachingItems(to: orders[index]) }
            }
            try await produce(orders)
            result.records += page.orders.count
            nextToken = page.nextToken
            progress.record(page.lastUpdateDates)
            if nextToken != nil, let mark = progress.safeCheckpoint, mark > saved {
                try await checkpoints.save(configuration.name, checkpoint: mark)
                saved = mark
                result.pageCheckpoints += 1
            }
        } while nextToken != nil
        try await checkpoints.save(configuration.name, checkpoint: before)
        logger.debug("poll window done", metadata: ["records": "\(result.records)", "pages": "\(result.pages)"])
        return result
    }

    private func fetchPage(
        after: Date, before: Date, nextToken: String?, result: inout WindowResult
    ) async throws -> GetOrdersPage {
        var call = OutboundCall<HTTPAttempt.Answer>(
            policy: SPAPICall.policy(
                initialBackoff: configuration.initialBackoffSeconds, maxBackoff: configuration.maxBackoffSeconds))
        call.pace = { try await self.pacer.acquire() }
        let http = HTTPAttempt(client: client, timeout: SPAPICall.attemptTimeout, maxBody: SPAPICall.maxBody)
        var token: Secret?
        let ending = try await call.run(
            attempt: { _ in
                var request = makeRequest(after: after, before: before, nextToken: nextToken)
                if let restricted {
                    token = try await restricted.token()
                } else {
                    token = try await tokens?.pollerAccessToken()
                }
                if let token { request.headers.add(name: "x-amz-access-token", value: token.value) }
                return try await http.send(request)
            },
            classify: { SPAPICall.verdict($0, canRefresh: restricted != nil || (tokens != nil && token != nil)) },
            refresh: { answer in
                if let restricted {
                    await restricted.invalidate()
                } else if let tokens, let token {
                    logger.warning(
                        "getOrders refused the access token; refreshing once", metadata: ["status": "\(answer.status)"])
                    await tokens.invalidate(token)
                }
                return true
            },
            onRetry: { wait, _, _ in
                result.throttled += 1
                throttledCount += 1
                logger.info("getOrders throttled (429)", metadata: ["wait-s": "\(DurationSeconds.of(wait))"])
            })
        guard let answer = ending.last, ending.gaveUp != .stopped else { throw CancellationError() }
        guard ending.gaveUp == nil else { throw refusal(answer, again: ending.gaveUp == .credentialRefused) }
        return try GetOrdersPage(bytes: Array(answer.body.readableBytesView))
    }

    /// The error of a refused answer; `again`: refused after the credential was refreshed.
    private func refusal(_ answer: HTTPAttempt.Answer, again: Bool) -> PollerError {
        let detail = answer.text(prefix: 300)
        guard SPAPICall.isRefusal(answer) else { return .http(status: answer.status, body: detail) }
        if again {
            let what = restricted != nil ? "refused a new restricted data token" : "refused again after a refresh"
            return .unauthorized(status: answer.status, body: "\(what): \(detail)")
        }
        return .unauthorized(
            status: answer.status, body: "no LWA credentials configured (poller.lwa, DRIFTLESS_LWA_*): \(detail)")
    }

    private func makeRequest(after: Date, before: Date, nextToken: String?) -> HTTPClientRequest {
        var query = "MarketplaceIds=\(SPAPIQuery.escape(configuration.marketplaceID))"
        if let nextToken {
            query += "&NextToken=\(SPAPIQuery.escape(nextToken))"
        } else {
            query += "&LastUpdatedAfter=\(SPAPIQuery.escape(RFC3339.format(after)))"
            query += "&LastUpdatedBefore=\(SPAPIQuery.escape(RFC3339.format(before)))"
            query += "&MaxResultsPerPage=\(configuration.pageSize)"
        }
        var request = HTTPClientRequest(url: "\(configuration.baseURL)/orders/v0/orders?\(query)")
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        return request
    }

    private func produce(_ orders: [[UInt8]]) async throws {
        let receivedAt = Date()
        let records = orders.enumerated().map { index, bytes in rawRecord(bytes, index: index, receivedAt: receivedAt) }
        try await withThrowingTaskGroup(of: (ProducerRecord, DeliveryReport).self) { group in
            for record in records {
                group.addTask { (record, try await self.sink.send(record)) }
            }
            var rows: [AuditRecord] = []
            for try await (record, report) in group {
                let envelope = try? Envelope(headers: record.headers)
                rows.append(
                    AuditRecord(
                        time: receivedAt, hop: .received,
                        orderKey: record.key.map { String(decoding: $0, as: UTF8.self) } ?? "amazon:?",
                        channel: "amazon", eventID: envelope?.eventID ?? "?", stage: StageName.ingest.rawValue,
                        replica: replica, topic: report.topic, partition: report.partition, offset: report.offset,
                        detail: "amazon/order", traceID: envelope?.traceID))
            }
            await audit.record(rows)
        }
    }

    private nonisolated func rawRecord(_ bytes: [UInt8], index: Int, receivedAt: Date) -> ProducerRecord {
        if let order = try? AmazonOrder.decode(from: bytes) {
            let envelope = Envelope(
                eventID: order.eventID, channel: .amazon, orderID: order.amazonOrderID, kind: "amazon/order",
                receivedAt: receivedAt, sourceTimestamp: order.lastUpdateDate)
            return ProducerRecord(
                topic: topics.ingestRaw, key: envelope.orderKey.bytes, value: bytes, headers: envelope.headers)
        }
        // Not decodable: still produced (validate quarantines it with the reason), keyed by position.
        let eventID = "amazon-undecodable:\(RFC3339.format(receivedAt)):\(index)"
        let envelope = Envelope(
            eventID: eventID, channel: .amazon, orderID: "", kind: "amazon/order",
            receivedAt: receivedAt)
        return ProducerRecord(
            topic: topics.ingestRaw, key: Array(eventID.utf8), value: bytes,
            headers: envelope.headers.filter { $0.key != EnvelopeHeader.orderID })
    }
}
