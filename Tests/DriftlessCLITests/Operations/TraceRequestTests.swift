import DriftlessTesting
import Foundation
import Ledger
import XCTest

@testable import DriftlessCLI
@testable import DriftlessOperations

/// `driftless trace` (request parsing and rendering live in the CLI) on a real SQLite ledger.
final class TraceRequestTests: XCTestCase {
    /// `trace` on an order that went through dedupe, quarantine and translation.
    func testTraceOrderThroughHops() async throws {
        let directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-trace")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await Ledger.open(url: "sqlite://" + directory.appendingPathComponent("ledger.db").path)
        defer { Task { await store.close() } }
        typealias F = TraceFixtures
        try await store.append([
            F.record(.received, event: "w1", at: 0),
            F.record(.received, event: "w1", at: 1),
            F.record(.deduped, event: "w1", at: 1, reason: "event id already seen"),
            F.record(.validated, event: "w1", stage: "validate", at: 2),
            F.record(.translated, event: "w1", stage: "translate", at: 3, from: "pending", to: "paid"),
            F.record(.received, event: "w2", at: 10),
            {
                // A detail that repeats its reason code (as stage rejections do) is shown once.
                var row = F.record(.quarantined, event: "w2", stage: "validate", at: 11, reason: "malformed-payload")
                row.detail = "malformed-payload: missing financial_status"
                return row
            }(),
            F.record(.dispatched, event: "w1", stage: "dispatch", at: 12, channel: "erp", http: 201),
            F.record(.received, order: "shopify:2002", event: "z", at: 5),
        ])
        try await store.saveStates([
            OrderStateRecord(
                orderKey: "shopify:1001", system: "shopify", state: "paid", version: 2, lastEventID: "w1",
                updatedAt: F.at(3)),
            OrderStateRecord(
                orderKey: "shopify:1001", system: "erp", state: "paid", version: 1, lastEventID: "w1",
                updatedAt: F.at(12)),
        ])
        let table = try await TraceRequest(order: "shopify:1001").run(store: store, now: F.at(60))
        let lines = table.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "Order shopify:1001: 8 audit records")
        XCTAssertTrue(lines[1].hasPrefix("TIME"), lines[1])
        let body = Array(lines[2..<10])
        let hops = body.map { $0.split(separator: " ", omittingEmptySubsequences: true)[1] }
        XCTAssertEqual(
            hops,
            ["received", "received", "deduped", "validated", "translated", "received", "quarantined", "dispatched"])
        XCTAssertTrue(body[4].contains("pending -> paid"), body[4])
        XCTAssertTrue(
            body[6].contains("FAILED") && body[6].contains("malformed-payload: missing financial_status"), body[6])
        XCTAssertFalse(body[6].contains("malformed-payload: malformed-payload"), body[6])
        XCTAssertTrue(body[7].contains(" erp ") && body[7].contains("201"), body[7])
        XCTAssertTrue(body[0].contains("driftless.ingest.raw[3]@0"), body[0])
        XCTAssertFalse(table.contains("shopify:2002"))
        XCTAssertTrue(table.contains("Current state:"))
        XCTAssertTrue(
            lines.contains { $0.contains("erp") && $0.contains("paid") && $0.contains("w1") && $0.hasPrefix("  ") })

        let json = try await TraceRequest(order: "shopify:1001", json: true).run(store: store, now: F.at(60))
        let report = try TraceRenderer.decodeJSON(json)
        XCTAssertEqual(report.order, "shopify:1001")
        XCTAssertEqual(
            report.records.map(\.hop),
            [.received, .received, .deduped, .validated, .translated, .received, .quarantined, .dispatched])
        XCTAssertEqual(report.records[6].reason, "malformed-payload")
        XCTAssertEqual(report.states.map(\.system), ["erp", "shopify"])
        XCTAssertTrue(json.contains(#""hop" : "quarantined""#), "hop spelled as stored")

        let failed = try await TraceRequest(since: "1h", status: "failed", json: true).run(store: store, now: F.at(60))
        let failedReport = try TraceRenderer.decodeJSON(failed)
        XCTAssertNil(failedReport.order)
        XCTAssertEqual(failedReport.records.map(\.eventID), ["w2"])
        let searchTable = try await TraceRequest(since: "1h", hops: ["received"], limit: 2).run(
            store: store, now: F.at(60))
        XCTAssertTrue(searchTable.hasPrefix("2 matching audit records"), searchTable)
        XCTAssertTrue(searchTable.contains("ORDER"))
        let tooLate = try await TraceRequest(since: "10s", status: "failed").run(store: store, now: F.at(60))
        XCTAssertTrue(tooLate.hasPrefix("0 matching audit records"), tooLate)
        // A bare channel order id finds its order (any id, issue 31).
        let byID = try TraceRenderer.decodeJSON(
            try await TraceRequest(order: "1001", json: true).run(store: store, now: F.at(60)))
        XCTAssertEqual(byID.order, "shopify:1001")
        do {
            _ = try await TraceRequest(order: "9999").run(store: store)
            XCTFail("an order the ledger never saw is a failure (exit 1)")
        } catch let error as CommandFailure {
            XCTAssertTrue(error.description.hasPrefix("no order 9999 in ledger "), error.description)
            XCTAssertTrue(error.description.contains("(order keys look like <channel>:<order id>"), error.description)
        }
        do {
            _ = try await TraceRequest(hops: ["teleported"]).run(store: store)
            XCTFail("unknown hop must be rejected")
        } catch let error as LedgerError {
            XCTAssertTrue(error.description.contains("unknown hop 'teleported'"), error.description)
        }
    }
}

/// Audit rows at fixed times, for the trace tests.
enum TraceFixtures {
    static let base = Date(timeIntervalSince1970: 1_795_000_000.250)

    static func at(_ seconds: Double) -> Date { base.addingTimeInterval(seconds) }

    static func record(
        _ hop: AuditHop, order: String = "shopify:1001", event: String, stage: String = "ingest", at seconds: Double,
        channel: String? = nil, from: String? = nil, to: String? = nil, http: Int? = nil, reason: String? = nil
    ) -> AuditRecord {
        AuditRecord(
            time: at(seconds), hop: hop, orderKey: order, channel: channel, eventID: event, stage: stage, replica: "r1",
            topic: "driftless.ingest.raw", partition: 3, offset: Int64(seconds * 10), fromState: from, toState: to,
            httpStatus: http, reason: reason, traceID: "t-\(event)")
    }
}
