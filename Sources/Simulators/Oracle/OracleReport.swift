/// One order's comparison of the oracle's expectation with the ERP's records.
public struct OracleOrderResult: Hashable, Sendable {
    public var orderKey: String
    public var expected: [OracleEffect]
    /// Expected effects the ERP holds exactly once.
    public var presentOnce: [OracleEffect] = []
    /// Expected effects the ERP does not hold.
    public var lost: [OracleEffect] = []
    /// Expected effects the ERP holds more than once (with how many times).
    public var duplicated: [OracleEffect: Int] = [:]
    /// Records of this order's sales order that no expected effect explains.
    public var extra: [String] = []
    /// `ERP X, expected Y` when the sales order's status is not the expected one.
    public var wrongStatus: String?

    /// Exactly the expected records, each once, in the expected status.
    public var isRight: Bool { lost.isEmpty && duplicated.isEmpty && extra.isEmpty && wrongStatus == nil }
}

/// The oracle's verdict over many orders.
public struct OracleReport: Hashable, Sendable {
    /// Per order, in order key order.
    public var orders: [OracleOrderResult] = []
    /// ERP records that belong to no order the oracle was given (a sales order with an unknown
    /// external id or none, a related record whose `createdFrom` is no expected sales order).
    public var unattributed: [String] = []
    /// How many ERP records were read.
    public var erpRecords = 0

    public var expectedEffects: Int { orders.reduce(0) { $0 + $1.expected.count } }
    public var presentOnce: Int { orders.reduce(0) { $0 + $1.presentOnce.count } }
    public var lost: Int { orders.reduce(0) { $0 + $1.lost.count } }
    public var duplicated: Int { orders.reduce(0) { $0 + $1.duplicated.count } }
    public var extra: Int { orders.reduce(0) { $0 + $1.extra.count } + unattributed.count }
    public var wrongStatus: Int { orders.filter { $0.wrongStatus != nil }.count }
    /// Orders with anything wrong.
    public var wrongOrders: [OracleOrderResult] { orders.filter { !$0.isRight } }

    /// No effect lost, duplicated or extra, and no status wrong.
    public var passed: Bool { lost == 0 && duplicated == 0 && extra == 0 && wrongStatus == 0 }

    /// `lost` effects as `shopify:1: itemFulfillment 1Z…`.
    public var lostList: [String] {
        orders.flatMap { order in order.lost.map { "\(order.orderKey): \($0)" } }
    }
    public var duplicatedList: [String] {
        orders.flatMap { order in
            order.duplicated.sorted { $0.key < $1.key }.map { "\(order.orderKey): \($0.key) ×\($0.value)" }
        }
    }
    public var extraList: [String] {
        orders.flatMap { order in order.extra.map { "\(order.orderKey): \($0)" } } + unattributed
    }
    public var wrongStatusList: [String] {
        orders.compactMap { order in order.wrongStatus.map { "\(order.orderKey): \($0)" } }
    }

    /// One line of counts.
    public var summary: String {
        "\(orders.count) orders, \(expectedEffects) expected effects: \(presentOnce) exactly once, \(lost) lost, "
            + "\(duplicated) duplicated, \(extra) extra, \(wrongStatus) wrong status (\(erpRecords) ERP records)"
    }

    /// The summary and up to `limit` examples of each problem.
    public func details(limit: Int = 5) -> String {
        var lines = [summary]
        for (name, list) in [
            ("lost", lostList), ("duplicated", duplicatedList), ("extra", extraList), ("wrong status", wrongStatusList),
        ] where !list.isEmpty {
            lines.append("  \(name): " + list.prefix(limit).joined(separator: "; ") + (list.count > limit ? " …" : ""))
        }
        return lines.joined(separator: "\n")
    }
}
