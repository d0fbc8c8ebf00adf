import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `POST /services/rest/query/v1/suiteql` — the SuiteQL subset of ``ERPSuiteQL`` (Oracle's NetSuite
/// help, "Executing SuiteQL Queries Through REST Web Services", section_157909186990; "Using SuiteQL
/// with SuiteTalk REST Web Services", section_158394344595): body `{"q": "SELECT …"}`, header
/// `Prefer: transient`, `limit` (1–1000, default 1000) and `offset` in the URL; the answer pages
/// `items` with `count`, `hasMore`, `offset`, `totalResults` and `links` (`self`, and `next` while
/// more follow). At most 100,000 rows a query.
extension ERPRoutes {
    static let suiteQLPath = "/services/rest/query/v1/suiteql"

    func addSuiteQLRoute(to router: Router<BasicRequestContext>) {
        router.post(RouterPath(Self.suiteQLPath)) { request, _ in
            let response = await suiteQL(request)
            counters.add(Int(response.status.code))
            counters.add(kind: "read")
            return response
        }
    }

    private func suiteQL(_ request: Request) async -> Response {
        guard authenticator.authorize(request) else {
            return ERPError.response(.unauthorized, code: "INVALID_LOGIN", detail: "Invalid login attempt.")
        }
        let (decision, latency) = faults.admit(orders: [], now: Date())
        if latency > .zero { try? await Task.sleep(for: latency) }
        switch decision {
        case .proceed, .lateCommit:
            if decision == .proceed { faults.finish() }
            return await run(request)
        case .applyThenStall(let duration):
            let response = await run(request)
            faults.finish()
            try? await Task.sleep(for: duration)
            return response
        case .stall(let duration):
            try? await Task.sleep(for: duration)
            return refusal(decision)
        default:
            return refusal(decision)
        }
    }

    private func run(_ request: Request) async -> Response {
        guard request.headers[Self.prefer]?.lowercased().contains("transient") == true else {
            return ERPError.response(
                .badRequest, code: "INVALID_PARAMETER", detail: "SuiteQL requests need the header Prefer: transient.")
        }
        guard let bytes = try? await request.body.collect(upTo: 1 << 20),
            let body = try? JSONDecoder().decode(QueryBody.self, from: Data(buffer: bytes))
        else {
            return ERPError.response(.badRequest, code: "INVALID_CONTENT", detail: "The body must be {\"q\": \"…\"}.")
        }
        let query: ERPSuiteQL
        do {
            query = try ERPSuiteQL(parsing: body.q)
        } catch {
            return ERPError.response(
                .badRequest, code: "INVALID_PARAMETER",
                detail: "Invalid search query: \(error.reason) (outside the simulator's SuiteQL subset).")
        }
        // Per query shape (literals left out), for measurements of what a client reads.
        counters.add(kind: "suiteql " + Self.shape(body.q))
        let parameters = request.uri.queryParameters
        let limit = min(1000, max(1, parameters.get("limit", as: Int.self) ?? 1000))
        let offset = max(0, parameters.get("offset", as: Int.self) ?? 0)
        let candidates =
            query.table == "item" ? await store.items().map(\.row) : await store.transactionCandidates(for: query)
        let rows = query.rows(candidates).prefix(100_000)
        let page = Array(rows.dropFirst(offset).prefix(limit))
        let hasMore = offset + page.count < rows.count
        let path = base.url + Self.suiteQLPath
        var links = [ERPPage.Link(rel: "self", href: "\(path)?limit=\(limit)&offset=\(offset)")]
        if hasMore { links.append(.init(rel: "next", href: "\(path)?limit=\(limit)&offset=\(offset + limit)")) }
        return ERPCoding.response(
            SuiteQLPage(
                links: links, count: page.count, hasMore: hasMore,
                items: page.map { SuiteQLPage.Row(links: [], values: $0) }, offset: offset,
                totalResults: rows.count))
    }

    /// The query with its literals left out (`IN` lists as `(…)`).
    static func shape(_ query: String) -> String {
        query.replacingOccurrences(of: "'[^']*'", with: "?", options: .regularExpression)
            .replacingOccurrences(of: #"\(\?(, \?)*\)"#, with: "(…)", options: .regularExpression)
    }

    private struct QueryBody: Decodable {
        var q: String
    }

    /// A SuiteQL answer page.
    struct SuiteQLPage: Encodable {
        struct Row: Encodable {
            var links: [ERPPage.Link]
            var values: [String: String]

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(links, forKey: Key("links"))
                for (key, value) in values { try container.encode(value, forKey: Key(key)) }
            }
        }
        var links: [ERPPage.Link]
        var count: Int
        var hasMore: Bool
        var items: [Row]
        var offset: Int
        var totalResults: Int
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
