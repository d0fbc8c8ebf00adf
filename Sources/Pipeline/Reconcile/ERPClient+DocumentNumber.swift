import Foundation
import NIOHTTP1

extension ERPClient {
    /// `GET /salesOrder?q=tranId IS "<tranID>"&limit=10`: the sales orders with that document number
    /// (NetSuite's record collection filtering, the `IS` operator on a string field: Oracle NetSuite
    /// help, "Record Collection Filtering", section_1545222128). The answer is a collection page
    /// (`items` with each record's `id`).
    public func salesOrders(tranID: String) async -> (outcome: ERPOutcome, body: Data?) {
        let condition = "tranId IS \"\(tranID.replacingOccurrences(of: "\"", with: ""))\""
        let query = Self.escape(condition)
        let answer = await exchange(.GET, Self.recordPath + "/salesOrder?q=\(query)&limit=10", body: nil)
        return (answer.outcome, answer.isSuccess ? answer.body : nil)
    }
}
