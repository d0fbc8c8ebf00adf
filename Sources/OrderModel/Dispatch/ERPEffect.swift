/// One write the ERP must receive for an order, identified deterministically: the same canonical
/// change yields the same effects with the same ids on every attempt, replay and replica.
public struct ERPEffect: Hashable, Sendable, Codable, CustomStringConvertible {
    /// What the write does.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// Create or update the sales order and set its status.
        case salesOrderStatus
        /// Record a captured payment (customer deposit carrying the gateway's transaction id).
        case payment
        /// Create an item fulfilment for tracking numbers the ERP has not seen.
        case fulfilment
        /// Create the return authorization.
        case returnAuthorization
        /// Create a credit memo for a refund.
        case creditMemo
        /// Replace the sales order's lines after a channel edit (issue 24), while nothing is fulfilled.
        case salesOrderLines
    }

    public var kind: Kind
    public var orderKey: OrderKey
    /// The canonical version (order state version) the effect comes from.
    public var version: Int64
    /// `<order key>#<kind>#<subject>`: what the effect is about, independent of the version when the
    /// subject is (a capture, a tracking number, a refund) so that a later version does not repeat it.
    public var id: String
    /// The record written.
    public var record: ERPRecordType
    /// The ERP external id the write upserts by (letters, digits, `_`, `-` only).
    public var externalID: String
    /// Sales order status to set (sales order effects).
    public var status: ERPStatusCode?
    /// Gateway transaction id (payments, Pattern 5), tracking numbers (fulfilments), refund id (credit memos).
    public var paymentReference: String?
    public var trackingNumbers: [String]
    public var refundID: String?
    /// Fulfilments: whether the order still has lines to ship after this one (its merged fulfilment
    /// is partial), so the fulfilment leaves lines open and NetSuite shows D, not F. Nil: no.
    public var leavesLinesOpen: Bool?
    /// The order's merged content, for the record's body (customer, lines, amounts); not part of the
    /// effect's identity.
    public var content: OrderContent?

    /// An effect; the planner makes them (see ``ERPEffectPlanner``), tests and oracles name them.
    public init(
        kind: Kind, orderKey: OrderKey, version: Int64, id: String, record: ERPRecordType, externalID: String,
        status: ERPStatusCode? = nil, paymentReference: String? = nil, trackingNumbers: [String] = [],
        refundID: String? = nil
    ) {
        self.kind = kind
        self.orderKey = orderKey
        self.version = version
        self.id = id
        self.record = record
        self.externalID = externalID
        self.status = status
        self.paymentReference = paymentReference
        self.trackingNumbers = trackingNumbers
        self.refundID = refundID
    }

    public var description: String { "\(kind.rawValue) \(id) → \(record.rawValue) eid:\(externalID)" }

    /// An ERP external id built from `parts`, joined by `-`: characters other than ASCII letters and
    /// digits are written `_xx` (hex), so different inputs never collide and NetSuite's charset
    /// (letters, digits, `_`, `-`) holds.
    public static func externalID(_ parts: String...) -> String {
        parts.map { part in
            var out = ""
            for byte in part.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    out.unicodeScalars.append(Unicode.Scalar(byte))
                default:
                    out += "_" + String(byte, radix: 16, uppercase: false).leftPadded(to: 2)
                }
            }
            return out
        }.joined(separator: "-")
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
