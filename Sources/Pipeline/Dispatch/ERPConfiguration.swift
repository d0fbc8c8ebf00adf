import Foundation
import OrderModel

/// Where and how dispatch reaches the NetSuite-style ERP.
public struct ERPConfiguration: Sendable {
    /// The account's REST base, e.g. `https://123456.suitetalk.api.netsuite.com` (records live under
    /// `/services/rest/record/v1`) or the simulator's base URL.
    public var baseURL: String
    /// How requests authenticate (static bearer token, NetSuite OAuth 2.0 or TBA); secrets never logged.
    public var authentication: ERPAuthentication
    /// Requests in flight at once (NetSuite accounts allow a few; the limit is shared by every
    /// integration of the account).
    public var maxConcurrentRequests: Int
    /// One request's deadline.
    public var requestTimeout: Duration
    /// How writes are sent (`erp.writeMode`, `DRIFTLESS_ERP_WRITE_MODE`; default `sales-order-async`).
    public var writeMode: ERPWriteMode = .salesOrderAsync
    /// How long an asynchronous write's job is followed before the write counts as unanswered
    /// (sent again later with the same idempotency key).
    public var asyncJobDeadline: Duration = .seconds(60)
    /// How order content becomes record content (the mapping file's `content:` section; the runtime
    /// sets it from the loaded matrix; by default the bundled mapping's).
    public var content: ContentMapping = ERPConfiguration.bundledContent

    /// The bundled default mapping's content section (``ContentMapping/none`` if it does not load).
    public static let bundledContent: ContentMapping = (try? MappingMatrix.default)?.content ?? .none

    /// A destination authenticating with `authentication`.
    public init(
        baseURL: String, authentication: ERPAuthentication, maxConcurrentRequests: Int = 4,
        requestTimeout: Duration = .seconds(30)
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.authentication = authentication
        self.maxConcurrentRequests = maxConcurrentRequests
        self.requestTimeout = requestTimeout
    }

    /// A destination with a static bearer token (`Authorization: Bearer <token>`, mode `bearer`).
    public init(
        baseURL: String, token: Secret, maxConcurrentRequests: Int = 4, requestTimeout: Duration = .seconds(30)
    ) {
        self.init(
            baseURL: baseURL, authentication: .bearer(token: token), maxConcurrentRequests: maxConcurrentRequests,
            requestTimeout: requestTimeout)
    }

    /// An empty secret or a URL that is not http(s) is a configuration error naming the setting.
    public func validate() throws(PipelineConfigurationError) {
        try authentication.validate()
        guard let url = URL(string: baseURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw .invalidValue(field: "erp.baseURL", value: baseURL)
        }
        guard maxConcurrentRequests >= 1 else {
            throw .invalidValue(field: "erp.maxConcurrentRequests", value: String(maxConcurrentRequests))
        }
        guard requestTimeout > .zero else {
            throw .invalidValue(field: "erp.requestTimeoutMs", value: "\(requestTimeout)")
        }
        guard asyncJobDeadline > .zero else {
            throw .invalidValue(field: "erp.asyncJobDeadline", value: "\(asyncJobDeadline)")
        }
    }
}

/// How dispatch sends its writes to the ERP.
public enum ERPWriteMode: String, Sendable, Hashable, CaseIterable {
    /// NetSuite asynchronous requests (`Prefer: respond-async`) carrying `X-NetSuite-Idempotency-Key`,
    /// each job followed to completion before the order's next write: a write whose answer was lost
    /// can never land again later (the server refuses its key), so no late write wins.
    case async
    /// Asynchronous (as ``async``) only for the writes a late landing could undo — the sales order's
    /// upserts, whose fields a newer write changes — and synchronous for the writes that are the same
    /// whenever they land: transforms (fulfilment, return authorization, credit memo: their
    /// `externalId` makes NetSuite refuse a second one, `DUP_RCRD`), the deposit's upsert (one body
    /// per capture, never changed) and record actions (`@cancel`, `@close`: terminal, the state they
    /// set is the state a repeat finds). A synchronous write costs one request; an asynchronous one
    /// at least two (the job, its poll). Safe because NetSuite identifies a record uniquely by its
    /// type and external id (Oracle's NetSuite help, "Using External IDs", section_156334828635):
    /// a transform that lands after its re-send cannot make a second record. The default.
    case salesOrderAsync = "sales-order-async"
    /// Plain synchronous requests, for accounts without asynchronous processing: a write that timed
    /// out may still commit after a newer one (issue 22).
    case sync
}
