import OrderModel

/// One ERP effect an order needs, as the oracle names it: the record type and what the record is
/// about (a capture reference, a tracking number, a refund id; empty for the sales order and the
/// return authorization, of which an order has one).
///
/// Written for the oracle alone: it shares nothing with `ERPEffect` or its planner.
public struct OracleEffect: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The kinds of records the oracle expects.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case salesOrder
        case customerDeposit
        case itemFulfillment
        case returnAuthorization
        case creditMemo

        /// The ERP record type that holds the effect.
        public var record: ERPRecordType {
            switch self {
            case .salesOrder: .salesOrder
            case .customerDeposit: .customerDeposit
            case .itemFulfillment: .itemFulfillment
            case .returnAuthorization: .returnAuthorization
            case .creditMemo: .creditMemo
            }
        }

        var rank: Int {
            switch self {
            case .salesOrder: 0
            case .customerDeposit: 1
            case .itemFulfillment: 2
            case .returnAuthorization: 3
            case .creditMemo: 4
            }
        }
    }

    public var kind: Kind
    public var subject: String

    public init(_ kind: Kind, _ subject: String = "") {
        self.kind = kind
        self.subject = subject
    }

    public static func < (lhs: OracleEffect, rhs: OracleEffect) -> Bool {
        (lhs.kind.rank, lhs.subject) < (rhs.kind.rank, rhs.subject)
    }

    /// `customerDeposit ch_1`, `salesOrder`.
    public var description: String { subject.isEmpty ? kind.rawValue : "\(kind.rawValue) \(subject)" }
}
