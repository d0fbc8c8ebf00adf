import Foundation

/// One row of the audit trail: one hop of one event of one order.
///
/// Order key, channel and states are plain strings so the ledger stays decoupled from the domain
/// model (`OrderKey.description`, `Channel.rawValue`, `CanonicalState.rawValue` fit in directly).
public struct AuditRecord: Sendable, Hashable, Codable {
    /// Assigned by the store on insert; `nil` on records not yet written.
    public var id: Int64?
    /// When the hop happened.
    public var time: Date
    /// What happened.
    public var hop: AuditHop
    /// `"<channel>:<order id>"`, e.g. `shopify:1001`.
    public var orderKey: String
    /// The system this hop concerns: a channel (`shopify`, `amazon`) or `erp`.
    public var channel: String
    /// The event's deterministic id (`dl-event-id`).
    public var eventID: String
    /// The stage that wrote the row (`ingest`, `validate`, `translate`, `dispatch`, …).
    public var stage: String
    /// Replica (instance) id of that stage, when scaled out.
    public var replica: String?
    /// Kafka coordinates of the message the hop processed or produced.
    public var topic: String?
    public var partition: Int32?
    public var offset: Int64?
    /// Canonical state before and after the hop, when it changes state.
    public var fromState: String?
    public var toState: String?
    /// HTTP status of a dispatch (or of the call that failed).
    public var httpStatus: Int?
    /// When a retry is due.
    public var dueAt: Date?
    /// Short machine-friendly reason (quarantine reason, error class, …).
    public var reason: String?
    /// Free-form detail for humans.
    public var detail: String?
    /// The `dl-trace-id` that ties hops of one event together.
    public var traceID: String?

    /// Creates a record. `channel` defaults to the order key's prefix before `:`.
    public init(
        id: Int64? = nil, time: Date = Date(), hop: AuditHop, orderKey: String, channel: String? = nil,
        eventID: String, stage: String, replica: String? = nil,
        topic: String? = nil, partition: Int32? = nil, offset: Int64? = nil,
        fromState: String? = nil, toState: String? = nil, httpStatus: Int? = nil, dueAt: Date? = nil,
        reason: String? = nil, detail: String? = nil, traceID: String? = nil
    ) {
        self.id = id
        self.time = time
        self.hop = hop
        self.orderKey = orderKey
        self.channel = channel ?? AuditRecord.channel(ofOrderKey: orderKey)
        self.eventID = eventID
        self.stage = stage
        self.replica = replica
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.fromState = fromState
        self.toState = toState
        self.httpStatus = httpStatus
        self.dueAt = dueAt
        self.reason = reason
        self.detail = detail
        self.traceID = traceID
    }

    /// `true` for hops that mean something went wrong — what `trace --status failed` shows:
    /// quarantined, illegal, dead-lettered, a retry with an error (reason or HTTP >= 400) and a
    /// dispatch answered with HTTP >= 400.
    public var isFailure: Bool {
        switch hop {
        case .quarantined, .illegal, .deadLettered:
            return true
        case .retried:
            return reason != nil || (httpStatus ?? 0) >= 400
        case .dispatched:
            return (httpStatus ?? 0) >= 400
        default:
            return false
        }
    }

    /// The channel part of an order key (`shopify` for `shopify:1001`), or the whole key.
    public static func channel(ofOrderKey orderKey: String) -> String {
        guard let colon = orderKey.firstIndex(of: ":") else { return orderKey }
        return String(orderKey[..<colon])
    }
}
