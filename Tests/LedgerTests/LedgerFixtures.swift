import Foundation
import Ledger
import XCTest

/// Shared builders and assertions for the ledger suites.
enum LedgerFixtures {
    /// A fixed base time (whole milliseconds) so tests are deterministic.
    static let base = Date(timeIntervalSince1970: 1_795_000_000.250)

    static func at(_ seconds: Double) -> Date { base.addingTimeInterval(seconds) }

    static func record(
        _ hop: AuditHop, order: String = "shopify:1001", event: String = "e1", stage: String = "ingest",
        at seconds: Double,
        channel: String? = nil, from: String? = nil, to: String? = nil, http: Int? = nil, reason: String? = nil
    ) -> AuditRecord {
        AuditRecord(
            time: at(seconds), hop: hop, orderKey: order, channel: channel, eventID: event, stage: stage, replica: "r1",
            topic: "driftless.ingest.raw", partition: 3, offset: Int64(seconds * 10), fromState: from, toState: to,
            httpStatus: http, dueAt: hop == .retried ? at(seconds + 30) : nil, reason: reason, detail: nil,
            traceID: "t-\(event)")
    }

    /// Compares records ignoring the store-assigned id, with microsecond tolerance on dates.
    static func assertSame(
        _ actual: AuditRecord, _ expected: AuditRecord, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertNotNil(actual.id, "store must assign ids", file: file, line: line)
        XCTAssertEqual(
            actual.time.timeIntervalSince1970, expected.time.timeIntervalSince1970, accuracy: 0.000_002, file: file,
            line: line)
        if let due = expected.dueAt {
            XCTAssertEqual(
                actual.dueAt?.timeIntervalSince1970 ?? 0, due.timeIntervalSince1970, accuracy: 0.000_002, file: file,
                line: line)
        } else {
            XCTAssertNil(actual.dueAt, file: file, line: line)
        }
        var a = actual
        var e = expected
        a.id = nil
        e.id = nil
        a.time = e.time
        a.dueAt = e.dueAt
        XCTAssertEqual(a, e, file: file, line: line)
    }
}
