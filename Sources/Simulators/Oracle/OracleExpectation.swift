/// What the ERP must hold for one channel order, computed by ``ERPOracle`` from the channel's final
/// order body: the sales order (by its external id) in `status`, and the related records in `effects`.
public struct OracleExpectation: Hashable, Sendable {
    /// `shopify:<id>` / `amazon:<id>`.
    public var orderKey: String
    /// The sales order's external id (`so-<channel>-<order id>`, see ``OracleExternalID``).
    public var salesOrderExternalID: String
    /// The sales order status code (A–H) the final order implies; nil when the channel's status is one
    /// the oracle does not know (then it is not judged, and `notes` says why).
    public var status: String?
    /// Every effect, the sales order included, sorted.
    public var effects: [OracleEffect]
    /// Anything the oracle could not judge.
    public var notes: [String]

    public init(
        orderKey: String, salesOrderExternalID: String, status: String?, effects: [OracleEffect],
        notes: [String] = []
    ) {
        self.orderKey = orderKey
        self.salesOrderExternalID = salesOrderExternalID
        self.status = status
        self.effects = Array(Set(effects)).sorted()
        self.notes = notes
    }
}
