import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OrderModel
import Synchronization

/// A NetSuite-style ERP over HTTP, strict to Oracle's SuiteTalk REST documentation (see
/// ``ERPRoutes`` for the pages each behaviour follows), with the faults an integration must survive
/// (``ERPFaults``).
///
/// API (authenticated as ``ERPSimulatorCredentials`` allow: `Authorization: Bearer <token>` — the
/// static token or an OAuth 2.0 token it issued — or TBA), under `/services/rest/record/v1`:
/// - `GET /{type}/{id}` (`id` internal, or `eid:<externalId>`) → the record (custom fields at the
///   top level, references as `{"id": …}`), or 404 `NONEXISTENT_ID`
/// - `GET /{type}[?q=lastModifiedDate ON_OR_AFTER "<RFC 3339>"]&limit&offset` → `items` of `links` + `id`
/// - `PUT /{type}/eid:{externalId}` → upsert, `POST /{type}` → create (an `externalId` already used:
///   400 `DUP_RCRD`), `PATCH /{type}/{id}` → update; 204 + `Location`. Item fulfilments, return
///   authorizations and credit memos are refused (400 `INVALID_CONTENT`): they are made by transforms.
///   A sales order's `status` is read-only (derived); `orderStatus` takes A or B.
/// - `POST /salesOrder/{id}/!transform/itemFulfillment|returnAuthorization|invoice|cashSale`,
///   `POST /returnAuthorization/{id}/!transform/creditMemo` → 204 + `Location`
/// - `POST /salesOrder/{id}/@cancel|@close` → record actions, 204 + `Location`
/// - `POST /services/rest/query/v1/suiteql` (`Prefer: transient`) → the SuiteQL subset of ``ERPSuiteQL``
/// Any write with `Prefer: respond-async` is queued as an asynchronous job (with
/// `X-NetSuite-Idempotency-Key` honoured), polled under `/services/rest/async/v1/job/…` (see
/// ``ERPRoutes`` + async for the documented shapes).
public final class ERPSimulator: Sendable {
    /// The records (and the duplicate-effect count).
    public let store: ERPStore
    /// Faults to inject.
    public let faults: ERPFaults
    /// The HTTP server.
    public let server: SimulatorServer
    private let counters: StatusCounts
    private let authenticator: ERPRequestAuthenticator
    private let jobs: ERPAsyncJobs
    private let background: ERPBackgroundWork

    private init(
        store: ERPStore, faults: ERPFaults, server: SimulatorServer, counters: StatusCounts,
        authenticator: ERPRequestAuthenticator, jobs: ERPAsyncJobs, background: ERPBackgroundWork
    ) {
        self.store = store
        self.faults = faults
        self.server = server
        self.counters = counters
        self.authenticator = authenticator
        self.jobs = jobs
        self.background = background
    }

    /// Delayed jobs and late commits (``ERPFaults/Settings/lateCommitRatio``) not landed yet.
    public var pendingBackgroundWork: Int { background.pending }

    /// Asynchronous jobs made so far (one per accepted `Prefer: respond-async` write).
    public var asyncJobCount: Int { get async { await jobs.count } }

    /// OAuth 2.0 access tokens granted and token requests refused so far.
    public var tokenCounts: (granted: Int, refused: Int) { authenticator.issuer.counts }

    /// Requests the record API let through, by scheme (`bearer`, `oauth2`, `tba`) and by scheme
    /// with a query string (`tba+query`) or a body (`tba+body`).
    public var acceptedRequests: [String: Int] { authenticator.acceptedCounts }

    /// Revokes OAuth 2.0 access (`true`): every issued token stops working and the token endpoint
    /// refuses every client `invalid_client` until called with `false`.
    public func revokeOAuth2Access(_ revoked: Bool = true) { authenticator.issuer.setRevoked(revoked) }

    /// Every OAuth 2.0 access token issued so far stops working now, as a token the server expires
    /// before the client expects (clock skew, a restart) would.
    public func expireAccessTokens() { authenticator.issuer.expireTokens() }

    /// `<base URL>/services/rest/auth/oauth2/v1/token`.
    public var tokenURL: String { server.baseURL + ERPTokenIssuer.path }

    /// Answers so far by HTTP status.
    public var statusCounts: [Int: Int] { counters.snapshot }

    /// Requests so far by kind: `read` (a record, a collection, a SuiteQL page), `write` (anything
    /// that may change a record: upsert, create, update, transform, record action) and `poll` (the
    /// asynchronous job API). For measuring what an integration costs the account.
    public var requestKinds: [String: Int] { counters.kinds }

    /// `<base URL>/services/rest/record/v1`.
    public var recordURL: String { server.baseURL + ERPRoutes.prefix }

    /// Starts the ERP on 127.0.0.1:`port` (0: any free port), accepting only `Bearer <token>`.
    public static func start(
        store: ERPStore = ERPStore(), faults: ERPFaults = ERPFaults(), token: String, port: Int = 0,
        logger: Logger = Logger(label: "simulator.erp")
    ) async throws -> ERPSimulator {
        try await start(
            store: store, faults: faults, credentials: ERPSimulatorCredentials(staticToken: token), port: port,
            logger: logger)
    }

    /// Starts the ERP on 127.0.0.1:`port` accepting what `credentials` allow (static token, OAuth 2.0
    /// tokens it issues at ``tokenURL``, TBA signatures); `now` is its clock for token expiry and
    /// TBA timestamps.
    public static func start(
        store: ERPStore = ERPStore(), faults: ERPFaults = ERPFaults(), credentials: ERPSimulatorCredentials,
        port: Int = 0, now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "simulator.erp")
    ) async throws -> ERPSimulator {
        let counters = StatusCounts()
        let authenticator = ERPRequestAuthenticator(credentials: credentials, now: now)
        let jobs = ERPAsyncJobs()
        let background = ERPBackgroundWork()
        let base = SimulatorBaseURL()
        let routes = ERPRoutes(
            store: store, faults: faults, authenticator: authenticator, counters: counters, jobs: jobs,
            background: background, base: base)
        let server = try await SimulatorServer.start(
            router: routes.router(), port: port, name: "erp", logger: logger,
            channelHandlers: { [ConnectionResetHandler(faults: faults)] })
        authenticator.bind(baseURL: server.baseURL)
        base.bind(server.baseURL)
        return ERPSimulator(
            store: store, faults: faults, server: server, counters: counters, authenticator: authenticator,
            jobs: jobs, background: background)
    }

    /// Stops the HTTP server; delayed jobs and late commits that have not landed never do.
    public func stop() async {
        background.stop()
        await server.stop()
    }
}

/// Answers by HTTP status.
final class StatusCounts: Sendable {
    private let counts = Mutex<[Int: Int]>([:])
    private let kindCounts = Mutex<[String: Int]>([:])
    func add(_ status: Int) { counts.withLock { $0[status, default: 0] += 1 } }
    func add(kind: String) { kindCounts.withLock { $0[kind, default: 0] += 1 } }
    var snapshot: [Int: Int] { counts.withLock { $0 } }
    var kinds: [String: Int] { kindCounts.withLock { $0 } }
}
