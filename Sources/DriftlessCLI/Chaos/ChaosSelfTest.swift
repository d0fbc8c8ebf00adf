import DriftlessOperations
import Foundation
import Simulators

/// Shows that the checker fires: from real channel orders it builds the ERP state they need (each
/// effect once, every sales order in its status, versions only rising), checks that it passes, then
/// spoils it one way at a time — a fulfilment twice, a deposit dropped, a stray credit memo, a status
/// written backwards, a wrong final status, an acknowledged order missing — and checks that each is
/// reported with the order it hit.
enum ChaosSelfTest {
    /// One tampering and whether the checker named it.
    struct Case: Sendable, Codable, Hashable {
        var name: String
        var order: String
        var fired: Bool
        var violations: [String]
    }

    struct Outcome: Sendable, Codable, Hashable {
        var baselinePassed: Bool
        var baselineViolations: [String]
        var cases: [Case]
        var passed: Bool { baselinePassed && !cases.isEmpty && cases.allSatisfy(\.fired) }

        var text: String {
            var lines = ["checker self-test: the right ERP state " + (baselinePassed ? "passes" : "FAILS")]
            lines += baselineViolations.prefix(5).map { "    \($0)" }
            for item in cases {
                lines.append(
                    "  \(item.fired ? "fired " : "MISSED") \(item.name) on \(item.order): "
                        + (item.violations.first ?? "nothing reported"))
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Runs every tampering against `expectations`.
    static func run(expectations: [OracleExpectation]) -> Outcome {
        let (records, writes) = rightState(for: expectations)
        let acknowledged = Set(expectations.filter { $0.orderKey.hasPrefix("shopify:") }.map(\.orderKey))
        let baseline = ChaosChecker.check(
            expectations: expectations, records: records, writes: writes, acknowledgedOrders: acknowledged)
        var cases: [Case] = []
        func tamper(
            _ name: String, where wanted: (OracleExpectation) -> Bool, expect marker: String,
            simulatorDuplicates: Int = 0,
            _ change: (OracleExpectation, inout [ERPRecord], inout [ChaosWrite]) -> Void
        ) {
            guard let victim = expectations.first(where: wanted) else { return }
            var spoiled = records
            var spoiledWrites = writes
            change(victim, &spoiled, &spoiledWrites)
            let verdict = ChaosChecker.check(
                expectations: expectations, records: spoiled, writes: spoiledWrites, acknowledgedOrders: acknowledged,
                simulatorDuplicates: simulatorDuplicates)
            if simulatorDuplicates > 0 {
                // Not attributable to an order: the simulator only counts them.
                let lines = verdict.violations.filter { $0.hasPrefix("(ERP simulator): ") }
                cases.append(
                    Case(
                        name: name, order: "(ERP simulator)", fired: lines.contains { $0.contains(marker) },
                        violations: lines))
                return
            }
            let mine = verdict.violations.filter { $0.hasPrefix("\(victim.orderKey): ") }
            cases.append(
                Case(
                    name: name, order: victim.orderKey,
                    fired: !verdict.passed && verdict.offendingOrders.contains(victim.orderKey)
                        && mine.contains { $0.contains(marker) }, violations: mine))
        }
        func has(_ kind: OracleEffect.Kind) -> (OracleExpectation) -> Bool {
            { expectation in expectation.effects.contains { $0.kind == kind } }
        }
        tamper("fulfilment created twice", where: has(.itemFulfillment), expect: "duplicated itemFulfillment") {
            victim, records, _ in
            let parent = salesOrderID(victim, records)
            if let copy = records.first(where: { $0.type == .itemFulfillment && $0.createdFrom == parent }) {
                var twin = copy
                twin.id = "9\(copy.id)"
                records.append(twin)
            }
        }
        tamper("deposit dropped", where: has(.customerDeposit), expect: "lost customerDeposit") { victim, records, _ in
            let parent = salesOrderID(victim, records)
            records.removeAll { $0.type == .customerDeposit && $0.salesOrder == parent }
        }
        tamper(
            "stray credit memo", where: { _ in true }, expect: "extra creditMemo",
            { victim, records, _ in
                // NetSuite: a credit memo is transformed from the order's return authorization.
                let parent = salesOrderID(victim, records)
                var authorization = records.first { $0.type == .returnAuthorization && $0.createdFrom == parent }?.id
                if authorization == nil {
                    authorization = "777776"
                    records.append(
                        ERPRecord(
                            id: "777776", type: .returnAuthorization, createdFrom: parent, lastModifiedDate: Date()))
                }
                records.append(
                    ERPRecord(
                        id: "777777", type: .creditMemo, createdFrom: authorization,
                        fields: ["custbody_driftless_refund_id": "stray"], lastModifiedDate: Date()))
            })
        tamper(
            "status written backwards", where: { _ in true }, expect: "status written backwards",
            {
                victim, records, writes in
                let parent = salesOrderID(victim, records) ?? ""
                writes.append(ChaosWrite(salesOrder: parent, version: 1, status: "A", time: Date()))
            })
        tamper(
            "wrong final status", where: { $0.status != nil && $0.status != "A" }, expect: "wrong status",
            {
                victim, records, _ in
                if let index = records.firstIndex(where: {
                    $0.type == .salesOrder && $0.externalId == victim.salesOrderExternalID
                }) {
                    records[index].status = ERPStatus(id: "A", refName: "Pending Approval")
                }
            })
        tamper(
            "acknowledged order missing", where: { $0.orderKey.hasPrefix("shopify:") },
            expect: "answered 200 but the ERP has no sales order",
            { victim, records, _ in
                let parent = salesOrderID(victim, records)
                records.removeAll { $0.id == parent || $0.createdFrom == parent || $0.salesOrder == parent }
            })
        tamper(
            "related record created twice by the ERP", where: { _ in true }, expect: "created twice",
            simulatorDuplicates: 1, { _, _, _ in })
        let operational = operationalCases()
        return Outcome(
            baselinePassed: baseline.passed && operational.baselineViolations.isEmpty,
            baselineViolations: baseline.violations + operational.baselineViolations, cases: cases + operational.cases)
    }

    /// The ERP state `expectations` need, each effect once; two sales order writes per order (versions
    /// 1 then 2).
    static func rightState(for expectations: [OracleExpectation]) -> ([ERPRecord], [ChaosWrite]) {
        var records: [ERPRecord] = []
        var writes: [ChaosWrite] = []
        var next = 5000
        let now = Date()
        for expectation in expectations {
            next += 1
            let parent = String(next)
            let status = expectation.status ?? "A"
            records.append(
                ERPRecord(
                    id: parent, type: .salesOrder, externalId: expectation.salesOrderExternalID,
                    status: ERPStatus(id: status, refName: ERPStatus.salesOrderNames[status] ?? status),
                    fields: ["custbody_driftless_version": "2"], lastModifiedDate: now))
            writes.append(ChaosWrite(salesOrder: parent, version: 1, status: "A", time: now))
            writes.append(ChaosWrite(salesOrder: parent, version: 2, status: status, time: now))
            // In NetSuite's terms: deposits name the order by `salesOrder`, fulfilments and the return
            // authorization are transformed from it, credit memos from the return authorization.
            var authorization: String?
            if expectation.effects.contains(where: { $0.kind == .creditMemo || $0.kind == .returnAuthorization }) {
                next += 1
                authorization = String(next)
                records.append(
                    ERPRecord(id: String(next), type: .returnAuthorization, createdFrom: parent, lastModifiedDate: now))
            }
            for effect in expectation.effects {
                next += 1
                let id = String(next)
                switch effect.kind {
                case .customerDeposit:
                    records.append(
                        ERPRecord(
                            id: id, type: .customerDeposit, salesOrder: parent,
                            fields: ["custbody_driftless_payment_ref": effect.subject], lastModifiedDate: now))
                case .itemFulfillment:
                    records.append(
                        ERPRecord(
                            id: id, type: .itemFulfillment, createdFrom: parent,
                            packageTrackingNumbers: effect.subject.isEmpty ? [] : [effect.subject],
                            lastModifiedDate: now))
                case .creditMemo:
                    records.append(
                        ERPRecord(
                            id: id, type: .creditMemo, createdFrom: authorization,
                            fields: ["custbody_driftless_refund_id": effect.subject], lastModifiedDate: now))
                case .salesOrder, .returnAuthorization: break
                }
            }
        }
        return (records, writes)
    }

    private static func salesOrderID(_ expectation: OracleExpectation, _ records: [ERPRecord]) -> String? {
        records.first { $0.type == .salesOrder && $0.externalId == expectation.salesOrderExternalID }?.id
    }
}
