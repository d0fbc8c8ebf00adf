import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import OrderModel

/// A client of a NetSuite-style REST record API (AsyncHTTPClient: pooled connections, reused):
/// upserts by external id, creates, updates, transforms and reads, at most
/// `maxConcurrentRequests` in flight, each bounded by `requestTimeout`. Every answer is sorted into
/// an ``ERPOutcome``; transport failures (timeouts, refused or reset connections) are `.transient`.
public final class ERPClient: Sendable {
    static let recordPath = "/services/rest/record/v1"
    private let configuration: ERPConfiguration
    private let client: HTTPClient
    private let limiter: AsyncLimiter
    private let authorizer: ERPAuthorizer
    private let logger: Logger
    /// SKUs looked up in the ERP (``ERPSync/lookUpItems(_:refreshing:through:)``).
    public let itemCache: ERPItemCache

    /// `itemClock` is the item cache's clock (tests move it to let answers expire).
    public init(
        configuration: ERPConfiguration, client: HTTPClient = .shared,
        logger: Logger = Logger(label: "driftless.dispatch.erp"),
        itemClock: @escaping @Sendable () -> Date = { Date() }
    ) throws(PipelineConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        itemCache = ERPItemCache(
            positiveTTL: configuration.content.itemLookupTTLSeconds,
            negativeTTL: configuration.content.itemLookupNegativeTTLSeconds, now: itemClock)
        self.client = client
        authorizer = try ERPAuthorizer(
            configuration.authentication, baseURL: configuration.baseURL, client: client,
            requestTimeout: configuration.requestTimeout)
        limiter = AsyncLimiter(limit: configuration.maxConcurrentRequests)
        self.logger = logger
    }

    /// `PUT /{type}/eid:{externalId}`: creates or updates the record the integration knows by `externalId`.
    public func upsert(_ type: String, externalId: String, body: Data) async -> ERPOutcome {
        await send(.PUT, "/\(type)/eid:\(Self.escape(externalId))", body: body).outcome
    }

    /// `POST /{type}`.
    public func create(_ type: String, body: Data) async -> ERPOutcome {
        await send(.POST, "/\(type)", body: body).outcome
    }

    /// `PATCH /{type}/{id}`.
    public func update(_ type: String, id: String, body: Data) async -> ERPOutcome {
        await send(.PATCH, "/\(type)/\(Self.escape(id))", body: body).outcome
    }

    /// `POST /salesOrder/{id}/!transform/{type}`: a related record made from the sales order.
    public func transform(salesOrder id: String, to type: String, body: Data) async -> ERPOutcome {
        await send(.POST, "/salesOrder/\(Self.escape(id))/!transform/\(type)", body: body).outcome
    }

    /// `GET /{type}/{id}` (`id` may be `eid:<externalId>`): the outcome and, when done, the record's JSON.
    public func read(_ type: String, id: String) async -> (outcome: ERPOutcome, body: Data?) {
        await send(.GET, "/\(type)/\(Self.escape(id))", body: nil)
    }

    /// `POST /{type}/{id}/@{action}`: a record action (Oracle's NetSuite help, "Executing Record
    /// Actions"), without parameters.
    public func action(_ type: String, id: String, _ action: String) async -> ERPOutcome {
        await send(.POST, "/\(type)/\(Self.escape(id))/@\(action)", body: nil).outcome
    }

    /// `POST /services/rest/query/v1/suiteql?limit&offset` with `Prefer: transient` and body
    /// `{"q": query}`: one page of a SuiteQL query (Oracle's NetSuite help, "Executing SuiteQL
    /// Queries Through REST Web Services"), as the answer's JSON.
    public func suiteQL(_ query: String, limit: Int, offset: Int) async -> (outcome: ERPOutcome, body: Data?) {
        guard let body = try? JSONEncoder().encode(["q": query]) else {
            return (.permanent(status: 0, code: "ENCODING", detail: "query not encodable"), nil)
        }
        let answer = await exchange(
            .POST, Self.suiteQLPath + "?limit=\(limit)&offset=\(offset)", body: body,
            headers: [("Prefer", "transient")])
        return (answer.outcome, answer.isSuccess ? answer.body : nil)
    }

    static let suiteQLPath = "/services/rest/query/v1/suiteql"

    private func send(_ method: HTTPMethod, _ path: String, body: Data?) async -> (outcome: ERPOutcome, body: Data?) {
        let answer = await exchange(method, Self.recordPath + path, body: body)
        return (answer.outcome, answer.isSuccess ? answer.body : nil)
    }

    /// One answer of the ERP: how it is sorted, its status (nil: no answer), body and `Location`.
    struct Answer: Sendable {
        var outcome: ERPOutcome
        var status: Int?
        var body: Data?
        var location: String?
        var errorCode: String?

        var isSuccess: Bool { status.map { (200..<300).contains($0) } ?? false }
    }

    /// Sends a request to `path` (from the server's root) with `headers`, under ``credentialPolicy``:
    /// a refused OAuth 2.0 token (expired early, revoked) is replaced once, a second 401 stands.
    func exchange(
        _ method: HTTPMethod, _ path: String, body: Data?, headers: [(String, String)] = []
    ) async -> Answer {
        var token: Secret?
        var call = OutboundCall<Answer>(policy: Self.credentialPolicy)
        call.isStopping = { false }
        let ending = try? await call.run(
            attempt: { _ in
                let sent = await self.attempt(method, path, body: body, headers: headers)
                token = sent.token
                return sent.answer
            },
            classify: { answer in
                switch answer.outcome {
                case .done: .success
                case .unauthorized: .credentialRefused
                default: .refused
                }
            },
            refresh: { _ in await self.authorizer.refused(token) })
        return ending?.last ?? Answer(outcome: .transient(status: nil, retryAfter: nil, detail: "not sent"))
    }

    /// One request's own policy: a refused credential is refreshed once (when the authorizer can:
    /// OAuth 2.0) and the request sent again; every other answer stands — dispatch and the readers
    /// retry under their own policies, each attempt through this one.
    static let credentialPolicy = OutboundCallPolicy(
        attemptTimeout: nil, maxAttempts: 1, backoff: .constant(.zero), waits: .zero...(.zero))

    /// The account's base URL (the scheme, host and port every request goes to).
    var baseURL: String { configuration.baseURL }
    /// How writes are sent and how long an asynchronous job is followed.
    var writeMode: ERPWriteMode { configuration.writeMode }
    /// How order content becomes record content (``ERPConfiguration/content``), with the items the
    /// ERP lookup found added to `items` (the configured entries win).
    var contentMapping: ContentMapping {
        var mapping = configuration.content
        guard mapping.looksUpItems else { return mapping }
        mapping.items.merge(itemCache.items) { configured, _ in configured }
        return mapping
    }
    /// The content mapping as configured (without looked-up items).
    var configuredContent: ContentMapping { configuration.content }
    var asyncJobDeadline: Duration { configuration.asyncJobDeadline }

    private func attempt(
        _ method: HTTPMethod, _ path: String, body: Data?, headers: [(String, String)]
    ) async -> (answer: Answer, token: Secret?) {
        let url = configuration.baseURL + path
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let (client, authorizer, logger) = (self.client, self.authorizer, self.logger)
        let prepared = request
        let timeout = configuration.requestTimeout.timeAmount
        do {
            // The credential is made once the request may go: a token or a TBA timestamp never
            // waits in the queue, so one dropped token meets at most the requests in flight.
            return try await limiter.run { () async throws -> (answer: Answer, token: Secret?) in
                let authorization: (value: String, token: Secret?)
                do {
                    authorization = try await authorizer.header(method: method.rawValue, url: url)
                } catch let error as TokenEndpointError where error.isRejection {
                    logger.error("erp credentials rejected by the token endpoint", metadata: ["error": "\(error)"])
                    return (Answer(outcome: .unauthorized(status: 401, detail: error.description)), nil)
                } catch {
                    logger.warning("erp access token unavailable", metadata: ["error": "\(error)"])
                    return (
                        Answer(outcome: .transient(status: nil, retryAfter: nil, detail: String(describing: error))),
                        nil
                    )
                }
                var signed = prepared
                signed.headers.add(name: "Authorization", value: authorization.value)
                let response = try await client.execute(signed, timeout: timeout)
                let bytes = try await response.body.collect(upTo: 4 << 20)
                let data = Data(buffer: bytes)
                let status = Int(response.status.code)
                let (code, detail) = Self.errorDetail(data)
                let location = response.headers.first(name: "Location")
                let outcome = ERPOutcome.classify(
                    status: status, location: location,
                    retryAfter: response.headers.first(name: "Retry-After"), code: code, detail: detail)
                return (
                    Answer(outcome: outcome, status: status, body: data, location: location, errorCode: code),
                    authorization.token
                )
            }
        } catch {
            // Never the request itself in the log: its headers hold the credentials.
            logger.debug(
                "erp request failed", metadata: ["method": "\(method)", "path": "\(path)", "error": "\(error)"])
            return (Answer(outcome: .transient(status: nil, retryAfter: nil, detail: String(describing: error))), nil)
        }
    }

    /// The first `o:errorCode` and `detail` of a NetSuite error body.
    static func errorDetail(_ data: Data) -> (String?, String) {
        guard let first = (try? JSONDecoder().decode(ERPErrorBody.self, from: data))?.details.first else {
            return (nil, "")
        }
        return (first.code, first.detail ?? "")
    }

    /// ASCII only: the path goes out exactly as written, so a TBA signature over it matches.
    private static let pathAllowed = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:")

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: pathAllowed) ?? text
    }
}
