import Foundation

/// Compares ``OracleContentExpectation``s with the ERP simulator's records: the sales order (by its
/// external id) and its item fulfilments (by `createdFrom` and tracking number). Every difference is
/// one line naming the order, what the ERP says and what the channel says.
public enum OracleContentChecker {
    /// The verdict: orders checked and their differences.
    public struct Report: Hashable, Sendable {
        public var orders = 0
        public var linesChecked = 0
        public var differences: [String] = []
        public var passed: Bool { differences.isEmpty }
        public var summary: String {
            "\(orders) orders, \(linesChecked) lines: \(differences.count) content differences"
        }
    }

    public static func check(_ expectations: [OracleContentExpectation], records: [ERPRecord]) -> Report {
        var report = Report()
        var salesOrders: [String: ERPRecord] = [:]
        var fulfilments: [String: [ERPRecord]] = [:]
        for record in records {
            switch record.type {
            case .salesOrder: if let id = record.externalId { salesOrders[id] = record }
            case .itemFulfillment: fulfilments[record.createdFrom ?? "", default: []].append(record)
            default: break
            }
        }
        for expectation in expectations.sorted(by: { $0.orderKey < $1.orderKey }) {
            report.orders += 1
            func differ(_ what: String) { report.differences.append("\(expectation.orderKey): \(what)") }
            guard let order = salesOrders[expectation.salesOrderExternalID] else {
                differ("no sales order")
                continue
            }
            let entity = object(order.fields["entity"])?["externalId"] as? String
            if entity != expectation.customerExternalID {
                differ("customer \(entity ?? "none"), channel \(expectation.customerExternalID ?? "none")")
            }
            if order.fields["otherRefNum"] != expectation.name {
                differ("otherRefNum \(order.fields["otherRefNum"] ?? "none"), channel \(expectation.name ?? "none")")
            }
            let address = object(order.fields["shippingAddress"]) ?? [:]
            for (key, value) in expectation.shipTo.sorted(by: { $0.key < $1.key })
            where address[key] as? String != value {
                differ("shippingAddress.\(key) \(address[key] as? String ?? "none"), channel \(value)")
            }
            let lines = items(order.fields["item"])
            for (lineID, want) in expectation.lines.sorted(by: { $0.key < $1.key }) {
                report.linesChecked += 1
                guard let got = lines[lineID] else {
                    differ("line \(lineID) missing (channel quantity \(want.quantity))")
                    continue
                }
                let quantity = number(got["quantity"])
                let rate = OracleContentExpectation.cents(ERPOracle.text(got["rate"]))
                let amount = OracleContentExpectation.cents(ERPOracle.text(got["amount"]))
                let item = (got["item"] as? [String: Any])?["id"] as? String
                if quantity != want.quantity { differ("line \(lineID) quantity \(quantity), channel \(want.quantity)") }
                if rate != want.rateCents { differ("line \(lineID) rate \(rate)¢, channel \(want.rateCents)¢") }
                if amount != want.amountCents {
                    differ("line \(lineID) amount \(amount)¢, channel \(want.amountCents)¢")
                }
                if let wanted = want.item, item != wanted {
                    differ("line \(lineID) item \(item ?? "none"), channel \(wanted)")
                }
            }
            for lineID in lines.keys.sorted() where expectation.lines[lineID] == nil {
                differ("line \(lineID) in the ERP, not on the channel")
            }
            let shipped = fulfilments[order.id] ?? []
            for (tracking, want) in expectation.shipments.sorted(by: { $0.key < $1.key }) {
                guard
                    let record = shipped.first(where: {
                        // NetSuite: the tracking numbers are on the fulfilment's `package` lines.
                        $0.packageTrackingNumbers.contains(tracking)
                    })
                else {
                    differ("no fulfilment for \(tracking)")
                    continue
                }
                let got = items(record.fields["item"]).mapValues { number($0["quantity"]) }
                if got != want { differ("fulfilment \(tracking) ships \(sorted(got)), channel \(sorted(want))") }
            }
        }
        return report
    }

    private static func sorted(_ lines: [String: Int]) -> String {
        lines.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: ",")
    }

    private static func number(_ value: Any?) -> Int {
        (value as? NSNumber)?.intValue ?? Int(ERPOracle.text(value) ?? "") ?? -1
    }

    /// Line id → line of a sublist's JSON text.
    private static func items(_ json: String?) -> [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for line in (object(json)?["items"] as? [[String: Any]]) ?? [] {
            if let id = ERPOracle.text(line["custcol_driftless_line"]) { out[id] = line }
        }
        return out
    }

    private static func object(_ json: String?) -> [String: Any]? {
        guard let data = json?.data(using: .utf8) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}
