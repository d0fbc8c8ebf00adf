import AsyncHTTPClient
import Foundation
import NIOCore

/// The baseline: the same API calls as a reconciliation sweep — GraphQL pages of the window's orders,
/// per order the sales order by external id and, when it exists, its six related-record lists
/// (`concurrency` orders at once, page by page), then the ERP's `lastModifiedDate` list pages — with
/// plain AsyncHTTPClient and JSONSerialization, converting, classifying and recording nothing.
struct PlainPageThrough: Sendable {
    let client: HTTPClient
    let storefrontURL: String
    let storefrontToken: String
    let erpURL: String
    let erpToken: String
    let concurrency: Int
    let since: String

    static let query = """
        query Orders($first: Int!, $after: String, $query: String) {
          orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
            edges { cursor node { id legacyResourceId name createdAt updatedAt cancelledAt cancelReason closedAt
              displayFinancialStatus displayFulfillmentStatus returnStatus currencyCode
              fulfillments { id status trackingInfo { company number } }
              transactions { id kind status gateway authorizationCode } } }
            pageInfo { hasNextPage endCursor }
          }
        }
        """
    static let related = [
        "customerDeposit", "invoice", "cashSale", "itemFulfillment", "returnAuthorization", "creditMemo",
    ]

    /// Orders paged and requests made.
    func run() async throws -> (orders: Int, requests: Int) {
        var orders = 0
        var requests = 0
        var after: String?
        repeat {
            var variables: [String: Any] = ["first": 250, "query": "updated_at:>='\(since)'"]
            variables["after"] = after ?? NSNull()
            let body = try JSONSerialization.data(withJSONObject: ["query": Self.query, "variables": variables])
            var request = HTTPClientRequest(url: "\(storefrontURL)/admin/api/2025-01/graphql.json")
            request.method = .POST
            request.headers.add(name: "X-Shopify-Access-Token", value: storefrontToken)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
            let page = try await json(request)
            requests += 1
            let connection = (page["data"] as? [String: Any])?["orders"] as? [String: Any]
            let ids = (connection?["edges"] as? [[String: Any]] ?? []).compactMap {
                ($0["node"] as? [String: Any])?["legacyResourceId"] as? String
            }
            orders += ids.count
            var start = 0
            while start < ids.count {
                let chunk = ids[start..<min(ids.count, start + concurrency)]
                start += chunk.count
                requests += try await withThrowingTaskGroup(of: Int.self) { group in
                    for id in chunk { group.addTask { try await erpReads(id) } }
                    return try await group.reduce(0, +)
                }
            }
            let info = connection?["pageInfo"] as? [String: Any]
            after = info?["hasNextPage"] as? Bool == true ? info?["endCursor"] as? String : nil
        } while after != nil
        var offset = 0
        while true {
            let condition =
                "lastModifiedDate ON_OR_AFTER \"\(since)\""
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let list = try await json(erpRequest("/salesOrder?q=\(condition)&limit=200&offset=\(offset)"))
            requests += 1
            let count = (list["items"] as? [Any])?.count ?? 0
            offset += count
            guard list["hasMore"] as? Bool == true, count > 0 else { break }
        }
        return (orders, requests)
    }

    private func erpReads(_ id: String) async throws -> Int {
        let (status, order) = try await answer(erpRequest("/salesOrder/eid:so-shopify-\(id)"))
        guard status == 200, let salesOrderID = order["id"] as? String else { return 1 }
        for type in Self.related {
            _ = try await json(erpRequest("/\(type)?q=createdFrom%20EQUAL%20\(salesOrderID)&limit=1000"))
        }
        return 1 + Self.related.count
    }

    private func erpRequest(_ path: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: "\(erpURL)/services/rest/record/v1\(path)")
        request.headers.add(name: "Authorization", value: "Bearer \(erpToken)")
        request.headers.add(name: "Accept", value: "application/json")
        return request
    }

    private func json(_ request: HTTPClientRequest) async throws -> [String: Any] {
        try await answer(request).1
    }

    private func answer(_ request: HTTPClientRequest) async throws -> (Int, [String: Any]) {
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        return (Int(response.status.code), object)
    }
}
