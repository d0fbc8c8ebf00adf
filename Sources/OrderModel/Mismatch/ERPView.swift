/// What the ERP knows about an order, for reconciliation and the mismatch classifier.
public struct ERPView: Hashable, Sendable {
    /// The ERP's sales order id.
    public var salesOrderID: String
    /// The channel order it belongs to (from the sales order's external id).
    public var channelKey: OrderKey?
    /// Sales order status.
    public var status: ERPStatusCode
    /// Dimensions from the status and related records (through the mapping matrix).
    public var dimensions: OrderDimensions
    /// Related record types present.
    public var records: Set<ERPRecordType>
    /// Payment references on invoices, cash sales and customer deposits.
    public var paymentReferences: [String]
    /// Tracking numbers on shipped item fulfilments.
    public var trackingNumbers: [String]
    /// Credit memo ids.
    public var creditMemoIDs: [String]
    /// The canonical version whose status dispatch last wrote on the sales order (a custom field);
    /// nil when unknown. An older change never moves the status back.
    public var appliedVersion: Int64?
    /// The internal id of the order's return authorization (credit memos are made from it).
    public var returnAuthorizationID: String?
    /// ``OrderContent/linesDigest`` of the lines dispatch last wrote on the sales order (a custom
    /// field); nil when the sales order carries none.
    public var linesDigest: String?

    public init(
        salesOrderID: String, channelKey: OrderKey? = nil, status: ERPStatusCode, dimensions: OrderDimensions,
        records: Set<ERPRecordType> = [], paymentReferences: [String] = [], trackingNumbers: [String] = [],
        creditMemoIDs: [String] = [], appliedVersion: Int64? = nil, returnAuthorizationID: String? = nil
    ) {
        self.returnAuthorizationID = returnAuthorizationID
        self.appliedVersion = appliedVersion
        self.salesOrderID = salesOrderID
        self.channelKey = channelKey
        self.status = status
        self.dimensions = dimensions
        self.records = records
        self.paymentReferences = paymentReferences
        self.trackingNumbers = trackingNumbers
        self.creditMemoIDs = creditMemoIDs
    }

    /// The canonical state the ERP's dimensions describe.
    public var canonicalState: CanonicalState { dimensions.canonicalState }
}

/// What a channel knows about an order: its dimensions and facts (from an `OrderState` or an observation).
public struct ChannelView: Hashable, Sendable {
    public var key: OrderKey
    public var dimensions: OrderDimensions
    public var facts: OrderFacts

    public init(key: OrderKey, dimensions: OrderDimensions, facts: OrderFacts = .none) {
        self.key = key
        self.dimensions = dimensions
        self.facts = facts
    }

    public init(_ observation: ChannelObservation) {
        self.init(key: observation.key, dimensions: observation.dimensions, facts: observation.facts)
    }

    public init(_ state: OrderState) {
        self.init(key: state.key, dimensions: state.dimensions, facts: state.facts)
    }

    public var canonicalState: CanonicalState { dimensions.canonicalState }
}
