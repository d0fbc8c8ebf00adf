import Foundation

/// The custom body fields Driftless keeps on NetSuite transactions (listed for the account's admin
/// in `Deploy/netsuite/custom-fields.yaml`). NetSuite returns custom fields at the top level of a
/// record and as SuiteQL columns (lowercase).
public enum NetSuiteFields {
    /// Sales order external id (`so-<channel>-<order id>`) on the sales order and every record
    /// Driftless makes for it: one SuiteQL query finds an order's records.
    public static let order = "custbody_driftless_order"
    /// The ``OrderModel/ERPEffect`` id a record was made for: the check before a transform (which
    /// cannot be upserted) and the duplicate guard.
    public static let effect = "custbody_driftless_effect"
    /// The canonical version whose status was last written on the sales order.
    public static let version = "custbody_driftless_version"
    /// A customer deposit's payment gateway transaction id (capture).
    public static let paymentReference = "custbody_driftless_payment_ref"
    /// A credit memo's channel refund id.
    public static let refundID = "custbody_driftless_refund_id"
}

/// One page of a SuiteQL answer (`POST /services/rest/query/v1/suiteql`): `items`, `hasMore`.
struct SuiteQLPage<Row: Decodable & Sendable>: Decodable, Sendable {
    var items: [Row]
    var hasMore: Bool
}

/// A row of `transaction` as Driftless selects it. SuiteQL leaves null columns out and may give
/// numbers as numbers: every column is optional text.
struct TransactionRow: Decodable, Sendable, Equatable {
    var id: String
    var type: String?
    var status: String?
    var externalID: String?
    var createdFrom: String?
    var salesOrder: String?
    var trackingNumbers: String?
    var lastModified: String?
    var order: String?
    var effect: String?
    var version: String?
    var paymentReference: String?
    var refundID: String?
    /// ``OrderContent/linesDigest`` of the lines written on a sales order.
    var linesDigest: String?

    enum CodingKeys: String, CodingKey {
        case id, type, status
        case externalID = "externalid"
        case createdFrom = "createdfrom"
        case salesOrder = "salesorder"
        case trackingNumbers = "trackingnumberlist"
        case lastModified = "lastmodifieddate"
        case order = "custbody_driftless_order"
        case effect = "custbody_driftless_effect"
        case version = "custbody_driftless_version"
        case paymentReference = "custbody_driftless_payment_ref"
        case refundID = "custbody_driftless_refund_id"
        case linesDigest = "custbody_driftless_lines"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) throws -> String? {
            if let value = try? container.decodeIfPresent(String.self, forKey: key) { return value }
            if let value = try? container.decodeIfPresent(Int64.self, forKey: key) { return String(value) }
            return nil
        }
        guard let id = try text(.id) else {
            throw DecodingError.keyNotFound(
                CodingKeys.id, .init(codingPath: container.codingPath, debugDescription: "a row without id"))
        }
        self.id = id
        type = try text(.type)
        status = try text(.status)
        externalID = try text(.externalID)
        createdFrom = try text(.createdFrom)
        salesOrder = try text(.salesOrder)
        trackingNumbers = try text(.trackingNumbers)
        lastModified = try text(.lastModified)
        order = try text(.order)
        effect = try text(.effect)
        version = try text(.version)
        paymentReference = try text(.paymentReference)
        refundID = try text(.refundID)
        linesDigest = try text(.linesDigest)
    }

    /// SuiteQL's `transaction.type` values Driftless reads.
    enum Kind {
        static let salesOrder = "SalesOrd"
        static let itemFulfillment = "ItemShip"
        static let customerDeposit = "CustDep"
        static let returnAuthorization = "RtnAuth"
        static let creditMemo = "CustCred"
        static let invoice = "CustInvc"
        static let cashSale = "CashSale"
    }
}

/// SuiteQL text: a quoted literal (`'` doubled).
enum SuiteQLText {
    static func literal(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
