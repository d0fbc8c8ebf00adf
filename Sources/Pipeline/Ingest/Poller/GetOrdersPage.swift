import Foundation
import OrderModel

/// A `getOrders` page split into the raw JSON of each order.
struct GetOrdersPage {
    var orders: [[UInt8]]
    /// Each order's `LastUpdateDate`, nil where missing or unreadable.
    var lastUpdateDates: [Date?]
    var nextToken: String?

    init(bytes: [UInt8]) throws {
        guard let root = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let payload = root["payload"] as? [String: Any]
        else {
            throw PollerError.malformedPage("no payload object")
        }
        let list = payload["Orders"] as? [Any] ?? []
        lastUpdateDates = list.map { item in
            ((item as? [String: Any])?["LastUpdateDate"] as? String).flatMap { RFC3339.parse($0) }
        }
        orders = try list.map { item in
            guard JSONSerialization.isValidJSONObject(item) else {
                throw PollerError.malformedPage("order not an object")
            }
            return Array(
                try JSONSerialization.data(withJSONObject: item, options: [.sortedKeys, .withoutEscapingSlashes]))
        }
        nextToken = (payload["NextToken"] as? String).flatMap { $0.isEmpty ? nil : $0 }
    }
}
