import DriftlessOperations
import Foundation
import Simulators

/// One sales order write as the ERP simulator applied it (its write log): which sales order, the
/// canonical version dispatch wrote with it, the status after it, when.
struct ChaosWrite: Sendable, Hashable {
    var salesOrder: String
    var version: Int64?
    var status: String?
    var time: Date

    /// The sales order writes of the simulator's log.
    static func salesOrderWrites(_ log: [ERPWriteLogEntry]) -> [ChaosWrite] {
        log.filter { $0.type == .salesOrder }.map {
            ChaosWrite(salesOrder: $0.id, version: $0.version, status: $0.status, time: $0.time)
        }
    }
}

/// The checker's verdict on the ERP's records.
struct ChaosVerdict: Sendable, Codable, Hashable {
    var orders = 0
    var expectedEffects = 0
    var presentOnce = 0
    var lost = 0
    var duplicated = 0
    var extra = 0
    var wrongStatus = 0
    /// Sales order writes whose canonical version is lower than one the order already had.
    var regressed = 0
    /// Acknowledged orders (a webhook answered 2xx) the ERP has no sales order for.
    var unaccounted = 0
    /// One line per violation, each naming its order (`shopify:1042: lost customerDeposit ch_1042`).
    var violations: [String] = []
    /// The orders that violated anything, sorted.
    var offendingOrders: [String] = []

    var passed: Bool { violations.isEmpty }
}

/// Compares what the channels hold (the storefront's and the marketplace's final orders, through the
/// independent ``ERPOracle``) and what was acknowledged with what the ERP simulator holds and logged —
/// never with anything Driftless wrote about itself: every expected effect exactly once, nothing extra,
/// every sales order in the status its channel order implies, no status write ever older than one
/// already applied (the write log's canonical versions), every acknowledged order present.
enum ChaosChecker {
    static func check(
        expectations: [OracleExpectation], records: [ERPRecord], writes: [ChaosWrite], acknowledgedOrders: Set<String>,
        simulatorDuplicates: Int = 0
    ) -> ChaosVerdict {
        let report = OracleChecker.check(expectations, records: records)
        var verdict = ChaosVerdict()
        verdict.orders = report.orders.count
        verdict.expectedEffects = report.expectedEffects
        verdict.presentOnce = report.presentOnce
        verdict.lost = report.lost
        verdict.duplicated = report.duplicated
        verdict.extra = report.extra
        verdict.wrongStatus = report.wrongStatus
        var offending: Set<String> = []
        var violations: [String] = []
        for order in report.orders where !order.isRight {
            offending.insert(order.orderKey)
            violations += order.lost.map { "\(order.orderKey): lost \($0)" }
            violations += order.duplicated.sorted { $0.key < $1.key }.map {
                "\(order.orderKey): duplicated \($0.key) ×\($0.value)"
            }
            violations += order.extra.map { "\(order.orderKey): extra \($0)" }
            if let wrong = order.wrongStatus { violations.append("\(order.orderKey): wrong status (\(wrong))") }
        }
        violations += report.unattributed.map { "(no order): extra \($0)" }
        if simulatorDuplicates > 0 {
            violations.append("(ERP simulator): \(simulatorDuplicates) related records created twice for one effect")
        }
        // Internal id of each sales order → its order key.
        var keyByExternalID: [String: String] = [:]
        for expectation in expectations { keyByExternalID[expectation.salesOrderExternalID] = expectation.orderKey }
        var keyByID: [String: String] = [:]
        for record in records where record.type == .salesOrder {
            keyByID[record.id] = record.externalId.flatMap { keyByExternalID[$0] } ?? "sales order #\(record.id)"
        }
        for regression in regressions(writes) {
            let key = keyByID[regression.salesOrder] ?? "sales order #\(regression.salesOrder)"
            verdict.regressed += 1
            offending.insert(key)
            violations.append(
                "\(key): status written backwards (version \(regression.version) \(regression.status) after "
                    + "version \(regression.after))")
        }
        let present = Set(
            report.orders.filter { !$0.lost.contains(OracleEffect(.salesOrder)) }.map(\.orderKey))
        for key in acknowledgedOrders.sorted() where !present.contains(key) {
            verdict.unaccounted += 1
            offending.insert(key)
            violations.append("\(key): a webhook was answered 200 but the ERP has no sales order")
        }
        verdict.violations = violations
        verdict.offendingOrders = offending.sorted()
        return verdict
    }

    /// A sales order write with a lower canonical version than one applied before it.
    struct Regression: Sendable, Hashable {
        var salesOrder: String
        var version: Int64
        var status: String
        var after: Int64
    }

    /// The writes (in applied order) whose version is below the highest the sales order had.
    static func regressions(_ writes: [ChaosWrite]) -> [Regression] {
        var highest: [String: Int64] = [:]
        var found: [Regression] = []
        for write in writes {
            guard let version = write.version else { continue }
            if let top = highest[write.salesOrder], version < top {
                found.append(
                    Regression(
                        salesOrder: write.salesOrder, version: version, status: write.status ?? "none", after: top))
            } else {
                highest[write.salesOrder] = version
            }
        }
        return found
    }
}
