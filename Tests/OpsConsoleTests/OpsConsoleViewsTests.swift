import DriftlessTesting
import Foundation
import Ledger
import NIOHTTP1
import OrderModel
import XCTest

@testable import OpsConsole
@testable import Pipeline

/// The console's server-side views over a real embedded pipeline: each stage's processes from the
/// ledger's registry (a stale one shown as such) and the throughput table, a group's discard writing
/// a `discarded` audit row naming who and why, and the Order view's needed vs existing effects from
/// the ledger when no ERP is configured.
final class OpsConsoleViewsTests: XCTestCase {
    static let token = "views-token"

    func testHealthShowsEachStagesProcessesWithPartitionsAndAStaleOne() async throws {
        let rig = try await OpsConsoleRig(token: Self.token)
        do {
            let store = try XCTUnwrap(rig.runtime.ledger as? any ProcessStore)
            // A process on another host that stopped beating ten minutes ago.
            try await store.heartbeat(
                [
                    StageProcess(
                        processID: "gone@elsewhere:99:1", stage: "translate", replica: "gone", host: "elsewhere",
                        pid: 99,
                        partitions: ["driftless.validated[0]"], state: "running", startedAt: Date() - 3600,
                        heartbeatAt: Date() - 600)
                ], throughput: [])
            let cookie = try await rig.signIn("alice", token: Self.token)
            let validated = rig.runtime.topics.validated
            let ownTranslate = try await waitUntil(timeout: .seconds(60), poll: .milliseconds(200)) {
                let rows = try await store.stageProcesses()
                return rows.contains {
                    $0.stage == "translate" && $0.host != "elsewhere" && $0.partitions == ["\(validated)[0]"]
                }
            }
            XCTAssertTrue(ownTranslate, "this process's translate stage registers the partition its rebalance gave it")
            let page = try await rig.send("/ops/health", cookie: cookie)
            XCTAssertEqual(page.status, 200)
            let rows = Self.rows(of: "processes", in: page.body)
            let stale = try XCTUnwrap(rows.first { $0.contains("elsewhere") }, page.body)
            XCTAssertTrue(stale.contains("process-state bad\">stale<"), stale)
            let own = try XCTUnwrap(rows.first { $0.contains(">translate<") && !$0.contains("elsewhere") }, page.body)
            XCTAssertTrue(own.contains("process-state ok\">running<"), own)
            XCTAssertTrue(own.contains("\(validated)[0]"), own)
            for stage in ["validate", "dead-letter"] {
                XCTAssertTrue(rows.contains { $0.contains(">\(stage)<") }, "\(stage) registered: \(rows)")
            }
            XCTAssertTrue(page.body.contains("id=\"throughput\""), page.body)
            XCTAssertTrue(page.body.contains("id=\"sync-rate\""), page.body)
        } catch {
            try await rig.close()
            throw error
        }
        try await rig.close()
    }

    func testDiscardingAGroupWritesAnAuditRowWithWhoAndWhy() async throws {
        let rig = try await OpsConsoleRig(token: Self.token)
        do {
            let cases = try XCTUnwrap(rig.runtime.ledger as? any CaseStore)
            for (offset, order) in ["shopify:501", "shopify:502"].enumerated() {
                _ = try await cases.recordCase(
                    CaseArrival(
                        orderKey: order, channel: "shopify", eventID: "ev-\(order)", traceID: "tr-\(order)",
                        provenance: CaseProvenance(
                            sourceTopic: "driftless.dead-letter", sourcePartition: 0, sourceOffset: Int64(offset),
                            originalTopic: "driftless.canonical", originalPartition: 0, originalOffset: Int64(offset),
                            stage: "dispatch", reasonCode: "erp-rejected", reasonDetail: "400 INVALID_FLD_VALUE"),
                        payload: CasePayload(key: Data(order.utf8), value: Data("{}".utf8), headers: [])))
            }
            let cookie = try await rig.signIn("alice", token: Self.token)
            let group = try await rig.send("/ops/cases/group?stage=dispatch&reason=erp-rejected", cookie: cookie)
            let csrf = try XCTUnwrap(OpsConsoleRig.csrf(in: group.body), group.body)
            let answer = try await rig.send(
                "/ops/cases/discard", method: .POST,
                form: "csrf=\(csrf)&stage=dispatch&reason=erp-rejected&note=duplicate+test+orders", cookie: cookie)
            XCTAssertEqual(answer.status, 200, answer.body)
            XCTAssertTrue(answer.body.contains("discarded 2, refused 0"), answer.body)
            for order in ["shopify:501", "shopify:502"] {
                let rows = try await rig.runtime.ledger.timeline(order: order).filter { $0.hop == .discarded }
                XCTAssertEqual(rows.count, 1, "\(order): one discarded audit row")
                XCTAssertEqual(rows.first?.replica, "ops:alice")
                XCTAssertEqual(rows.first?.stage, "dlq")
                XCTAssertEqual(rows.first?.reason, "erp-rejected")
                XCTAssertEqual(rows.first?.traceID, "tr-\(order)")
                XCTAssertTrue(rows.first?.detail?.contains("by ops:alice: duplicate test orders") == true, "\(rows)")
            }
            // Discarding again: nothing open is left, so nothing more is written.
            let again = try await rig.send(
                "/ops/cases/discard", method: .POST,
                form: "csrf=\(csrf)&stage=dispatch&reason=erp-rejected&note=again", cookie: cookie)
            XCTAssertTrue(again.body.contains("discarded 0"), again.body)
            let all = try await rig.runtime.ledger.search(AuditQuery(hops: [.discarded], limit: 100))
            XCTAssertEqual(all.count, 2)
        } catch {
            try await rig.close()
            throw error
        }
        try await rig.close()
    }

    func testOrderShowsNeededAgainstExistingEffectsFromTheLedgerWithoutAnERP() async throws {
        let rig = try await OpsConsoleRig(token: Self.token)
        do {
            let key = try XCTUnwrap(OrderKey("shopify:7001"))
            let state = OrderState(
                key: key, dimensions: OrderDimensions(payment: .captured, fulfillment: .fulfilled),
                facts: OrderFacts(trackingNumbers: ["1ZTRACK1"], captureTransactionIDs: ["ch_pay1"]),
                position: EventPosition(sourceTimestamp: Date(), version: nil, eventID: "e3"), appliedEventIDs: ["e3"])
            _ = try await rig.runtime.ledger.saveStates(
                [StoredOrderState.record(state, version: 3, lastEventID: "e3")], onlyIfNewer: false)
            let requirement = try XCTUnwrap(
                OrderEffectCheck(
                    stored: StoredOrderState.record(state, version: 3, lastEventID: "e3"), matrix: try .default)
            ).requirement
            let deposit = try XCTUnwrap(requirement.effects.first { $0.kind == .payment })
            let salesOrder = try XCTUnwrap(requirement.effects.first { $0.kind == .salesOrderStatus })
            // The ledger says the sales order (an earlier version, same status) and the deposit were written;
            // the fulfilment's write failed (HTTP 400).
            func dispatched(_ effect: ERPEffect, status: Int, version: Int64? = nil) -> AuditRecord {
                var id = effect.id
                if let version { id = id.replacingOccurrences(of: "#v3-", with: "#v\(version)-") }
                return AuditRecord(
                    hop: .dispatched, orderKey: key.description, channel: "shopify", eventID: "e\(status)",
                    stage: "dispatch", httpStatus: status, reason: effect.kind.rawValue,
                    detail: "effect \(id) → \(effect.record.rawValue) eid:\(effect.externalID)")
            }
            let fulfilment = try XCTUnwrap(requirement.effects.first { $0.kind == .fulfilment })
            try await rig.runtime.ledger.append([
                dispatched(salesOrder, status: 204, version: 2), dispatched(deposit, status: 204),
                dispatched(fulfilment, status: 400),
            ])
            let cookie = try await rig.signIn("alice", token: Self.token)
            let page = try await rig.send("/ops/orders?id=shopify:7001", cookie: cookie)
            XCTAssertEqual(page.status, 200)
            XCTAssertTrue(page.body.contains("the ledger&#39;s effect records"), page.body)
            let rows = Self.rows(of: "order-effects", in: page.body)
            XCTAssertEqual(rows.count, requirement.effects.count, page.body)
            func row(_ kind: String) -> String { rows.first { $0.contains(">\(kind)<") } ?? "" }
            XCTAssertTrue(row("salesOrderStatus").contains("effect-exists"), row("salesOrderStatus"))
            XCTAssertTrue(row("payment").contains("effect-exists"), row("payment"))
            XCTAssertTrue(row("fulfilment").contains("effect-missing"), row("fulfilment"))
            XCTAssertTrue(row("fulfilment").contains("1ZTRACK1"), row("fulfilment"))
            XCTAssertTrue(page.body.contains("3 needed, 2 exist, 1 missing"), page.body)
        } catch {
            try await rig.close()
            throw error
        }
        try await rig.close()
    }

    func testPartitionsAreShownByTopic() {
        XCTAssertEqual(
            ProcessesSection.compact(["p.raw[0]", "p.raw[1]", "p.quarantine[3]", "p.raw[5]", "odd"]),
            "p.raw[0,1,5] p.quarantine[3] odd")
        XCTAssertEqual(ProcessesSection.compact([]), "")
    }

    /// The `<tr>` rows of the table `id` in `html`.
    static func rows(of id: String, in html: String) -> [String] {
        guard let start = html.range(of: "<table id=\"\(id)\">"),
            let end = html.range(of: "</table>", range: start.upperBound..<html.endIndex)
        else { return [] }
        return html[start.upperBound..<end.lowerBound].components(separatedBy: "<tr>").dropFirst(2).map { $0 }
    }
}
