import Foundation
import Synchronization

/// The storefront simulator's GraphQL Admin API: the `orders` query with an `updated_at:>=` search (or
/// `id:<a> OR id:<b> …`, for looking orders up by id),
/// cursor pagination in (`updated_at`, id) order and a cost bucket.
///
/// A request is `{"query": "…orders(first: $first, after: $after, query: $query)…", "variables":
/// {"first": 1…250, "after": cursor|null, "query": "updated_at:>='<RFC 3339>'"}}` with
/// `X-Shopify-Access-Token`. A wrong or missing token → 401. A query costs `2 + first` points; when the
/// bucket holds less, the answer is HTTP 200 with `errors: [{message: "Throttled", extensions: {code:
/// "THROTTLED"}}]` and the throttle status — as Shopify does.
final class StorefrontGraphQL: Sendable {
    let settings: StorefrontGraphQLSettings
    private let bucket: Mutex<(available: Double, updated: ContinuousClock.Instant)>
    private let throttledCount = Atomic<Int>(0)

    init(settings: StorefrontGraphQLSettings) {
        self.settings = settings
        bucket = Mutex((settings.maximumAvailable, ContinuousClock.now))
    }

    /// Requests answered THROTTLED so far.
    var throttled: Int { throttledCount.load(ordering: .relaxed) }

    /// Answers one request: (HTTP status, JSON body).
    func answer(token: String?, body: Data, store: StorefrontStore) async -> (Int, [String: Any]) {
        guard let token, !settings.accessToken.isEmpty, token == settings.accessToken else {
            return (401, ["errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"])
        }
        guard let request = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
            let query = request["query"] as? String, query.contains("orders(")
        else {
            return (200, ["errors": [["message": "Parse error: expected an orders query"]]])
        }
        let variables = request["variables"] as? [String: Any] ?? [:]
        let first = variables["first"] as? Int ?? 50
        guard (1...250).contains(first) else {
            return (200, ["errors": [["message": "first must be between 1 and 250"]]])
        }
        var since = Date.distantPast
        var ids: Set<Int64>?
        if let search = variables["query"] as? String, !search.isEmpty, let listed = Self.ids(search) {
            ids = listed
        } else if let search = variables["query"] as? String, !search.isEmpty {
            guard let date = Self.updatedSince(search) else {
                return (200, ["errors": [["message": "Unsupported search: \(search)"]]])
            }
            since = date
        }
        let cost = Double(2 + first)
        guard let available = take(cost) else {
            throttledCount.add(1, ordering: .relaxed)
            return (
                200,
                [
                    "errors": [["message": "Throttled", "extensions": ["code": "THROTTLED"]]],
                    "extensions": extensions(cost, 0, current()),
                ]
            )
        }
        var key: (String, Int64)?
        if let after = variables["after"] as? String {
            guard let parsed = Self.cursorKey(after) else {
                return (200, ["errors": [["message": "Invalid cursor"]]])
            }
            key = parsed
        }
        var page: [ShopifyOrderDocument] = []
        var hasNextPage = false
        if let ids {
            for id in ids.sorted() {
                if let order = await store.order(id) { page.append(order) }
            }
            page.sort { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }
            if let key { page = page.filter { ($0.updatedAt, $0.id) > key } }
            hasNextPage = page.count > first
            page = Array(page.prefix(first))
        } else {
            (page, hasNextPage) = await store.page(updatedSince: since, after: key, limit: first)
        }
        let edges: [[String: Any]] = page.map { ["cursor": Self.cursor(of: $0), "node": $0.graphQLNode()] }
        let pageInfo: [String: Any] = [
            "hasNextPage": hasNextPage, "endCursor": page.last.map(Self.cursor(of:)) ?? NSNull(),
        ]
        let data: [String: Any] = ["orders": ["edges": edges, "pageInfo": pageInfo]]
        return (200, ["data": data, "extensions": extensions(cost, cost, available)])
    }

    private func take(_ cost: Double) -> Double? {
        bucket.withLock { value in
            let now = ContinuousClock.now
            let elapsed = value.updated.duration(to: now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            value.available = min(settings.maximumAvailable, value.available + seconds * settings.restoreRate)
            value.updated = now
            guard value.available >= cost else { return nil }
            value.available -= cost
            return value.available
        }
    }

    private func current() -> Double { bucket.withLock { $0.available } }

    private func extensions(_ requested: Double, _ actual: Double, _ available: Double) -> [String: Any] {
        let maximum = settings.maximumAvailable.isFinite ? settings.maximumAvailable : 1e9
        return [
            "cost": [
                "requestedQueryCost": requested, "actualQueryCost": actual,
                "throttleStatus": [
                    "maximumAvailable": maximum, "currentlyAvailable": min(available, maximum),
                    "restoreRate": settings.restoreRate,
                ],
            ]
        ]
    }

    /// `id:1 OR id:2 …` → the ids; nil for any other search.
    static func ids(_ search: String) -> Set<Int64>? {
        let terms = search.components(separatedBy: " OR ")
        var ids: Set<Int64> = []
        for term in terms {
            let term = term.trimmingCharacters(in: .whitespaces)
            guard term.hasPrefix("id:"), let id = Int64(term.dropFirst(3)) else { return nil }
            ids.insert(id)
        }
        return ids.isEmpty ? nil : ids
    }

    /// `updated_at:>='2026-…'` (quotes optional) → the date.
    static func updatedSince(_ search: String) -> Date? {
        let prefix = "updated_at:>="
        guard search.hasPrefix(prefix) else { return nil }
        let value = search.dropFirst(prefix.count).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        return SimulatorTime.date(value)
    }

    static func cursor(of order: ShopifyOrderDocument) -> String {
        Data("\(order.updatedAt)|\(order.id)".utf8).base64EncodedString()
    }

    static func cursorKey(_ cursor: String) -> (String, Int64)? {
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "|")
        guard parts.count == 2, let id = Int64(parts[1]) else { return nil }
        return (String(parts[0]), id)
    }
}
