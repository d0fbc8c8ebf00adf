import Foundation
import Synchronization

/// The storefront simulator's GraphQL Admin API: the `orders` query with an `updated_at:>=` search,
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
        if let search = variables["query"] as? String, !search.isEmpty {
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
        var matching = await store.orders(updatedSince: since)
        if let after = variables["after"] as? String {
            guard let key = Self.cursorKey(after) else {
                return (200, ["errors": [["message": "Invalid cursor"]]])
            }
            matching = matching.filter { ($0.updatedAt, $0.id) > key }
        }
        let page = matching.prefix(first)
        let edges: [[String: Any]] = page.map { ["cursor": Self.cursor(of: $0), "node": $0.graphQLNode()] }
        let pageInfo: [String: Any] = [
            "hasNextPage": matching.count > page.count, "endCursor": page.last.map(Self.cursor(of:)) ?? NSNull(),
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
