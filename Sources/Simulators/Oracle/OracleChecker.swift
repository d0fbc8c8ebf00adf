import Foundation
import OrderModel

/// Compares ``OracleExpectation``s with the ERP's records (the ERP simulator's own, `ERPStore.allRecords()`).
///
/// Counted in NetSuite's terms: the sales order by its external id; a customer deposit by its
/// `salesOrder` and its payment reference (`custbody_driftless_payment_ref`); an item fulfilment
/// transformed from the order (`createdFrom`) by each tracking number of its package lines; the
/// return authorization transformed from the order; a credit memo transformed from that return
/// authorization, by its refund id (`custbody_driftless_refund_id`). It relies on nothing else the
/// integration writes (no related record's external id, no effect or version field).
public enum OracleChecker {
    /// The verdict for `expectations` against `records`.
    public static func check(_ expectations: [OracleExpectation], records: [ERPRecord]) -> OracleReport {
        var report = OracleReport()
        report.erpRecords = records.count
        var salesOrders: [String: [ERPRecord]] = [:]  // external id → records
        var related: [String: [ERPRecord]] = [:]  // sales order internal id → records
        let authorizations = Dictionary(
            records.filter { $0.type == .returnAuthorization }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for record in records {
            switch record.type {
            case .salesOrder:
                salesOrders[record.externalId ?? "", default: []].append(record)
            case .customerDeposit:
                related[record.salesOrder ?? "", default: []].append(record)
            case .creditMemo:
                // Made from a return authorization: its order is the authorization's.
                let order = record.createdFrom.flatMap { authorizations[$0]?.createdFrom }
                related[order ?? "", default: []].append(record)
            default:
                related[record.createdFrom ?? "", default: []].append(record)
            }
        }
        var attributedSalesOrders: Set<String> = []  // external ids
        var attributedParents: Set<String> = []  // internal ids
        for expectation in expectations.sorted(by: { $0.orderKey < $1.orderKey }) {
            var result = OracleOrderResult(orderKey: expectation.orderKey, expected: expectation.effects)
            let mine = salesOrders[expectation.salesOrderExternalID] ?? []
            attributedSalesOrders.insert(expectation.salesOrderExternalID)
            var holders: [OracleEffect: [ERPRecord]] = [:]
            if !mine.isEmpty { holders[OracleEffect(.salesOrder)] = mine }
            for salesOrder in mine {
                attributedParents.insert(salesOrder.id)
                for record in related[salesOrder.id] ?? [] {
                    guard let effects = effects(of: record) else {
                        result.extra.append("\(record.type.rawValue) (\(name(record)))")
                        continue
                    }
                    for effect in effects { holders[effect, default: []].append(record) }
                }
            }
            let expected = Set(expectation.effects)
            for effect in expectation.effects {
                switch holders[effect]?.count ?? 0 {
                case 0: result.lost.append(effect)
                case 1: result.presentOnce.append(effect)
                case let count: result.duplicated[effect] = count
                }
            }
            for (effect, records) in holders.sorted(by: { $0.key < $1.key }) where !expected.contains(effect) {
                result.extra += records.map { "\(effect) (\(name($0)))" }
            }
            if let status = expectation.status, let salesOrder = mine.first, salesOrder.status?.id != status {
                result.wrongStatus = "ERP \(salesOrder.status?.id ?? "none"), expected \(status)"
            }
            report.orders.append(result)
        }
        for (externalID, list) in salesOrders.sorted(by: { $0.key < $1.key })
        where !attributedSalesOrders.contains(externalID) {
            for record in list {
                report.unattributed.append("salesOrder (\(name(record)))")
            }
        }
        for (parent, list) in related.sorted(by: { $0.key < $1.key }) where !attributedParents.contains(parent) {
            for record in list {
                report.unattributed.append("\(record.type.rawValue) (\(name(record)), of sales order \(parent))")
            }
        }
        return report
    }

    /// The verdict for `expectations` against the records `store` holds now.
    public static func check(_ expectations: [OracleExpectation], store: ERPStore) async -> OracleReport {
        check(expectations, records: await store.allRecords())
    }

    /// `eid:<external id>`, or `#<internal id>` for a record without one.
    static func name(_ record: ERPRecord) -> String {
        record.externalId.map { "eid:\($0)" } ?? "#\(record.id)"
    }

    /// The effects one related record stands for; nil for a record type the oracle never expects.
    static func effects(of record: ERPRecord) -> [OracleEffect]? {
        switch record.type {
        case .customerDeposit:
            return [OracleEffect(.customerDeposit, record.fields["custbody_driftless_payment_ref"] ?? "")]
        case .itemFulfillment:
            let numbers = record.packageTrackingNumbers.filter { !$0.isEmpty }
            return numbers.isEmpty
                ? [OracleEffect(.itemFulfillment)] : numbers.map { OracleEffect(.itemFulfillment, $0) }
        case .returnAuthorization:
            return [OracleEffect(.returnAuthorization)]
        case .creditMemo:
            return [OracleEffect(.creditMemo, record.fields["custbody_driftless_refund_id"] ?? "")]
        case .salesOrder, .invoice, .cashSale:
            return nil
        }
    }
}
