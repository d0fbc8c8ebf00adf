import DriftlessTesting
import Foundation
import GRDB
import GRDBSQLite
import Logging
import XCTest

@testable import Ledger

/// The SQLite hot path binds values itself: a value SQLite refuses to bind fails the write with an
/// error, and nothing of it is stored (never a row with that column silently NULL).
final class SQLiteRowWriterTests: XCTestCase {
    func testAValueSQLiteRefusesFailsTheWriteInsteadOfStoringNull() async throws {
        let directory = try LedgerTestServices.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteLedgerStore(
            options: .init(path: directory.appendingPathComponent("ledger.db").path), logger: Logger(label: "test"))
        // The writer connection accepts strings and blobs of at most 200 bytes from now on.
        try await store.writer.write { db in _ = sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_LENGTH, 200) }

        var fits = AuditRecord(
            hop: .quarantined, orderKey: "shopify:1", channel: "shopify", eventID: "e-1", stage: "validate",
            reason: "malformed-payload", detail: "short")
        try await store.append([fits])
        var tooLong = fits
        tooLong.eventID = "e-2"
        tooLong.detail = String(repeating: "d", count: 500)
        do {
            try await store.append([tooLong])
            XCTFail("a detail SQLite refuses to bind was written")
        } catch {
            XCTAssertTrue("\(error)".contains("binding parameter 17"), "\(error)")
        }
        fits.eventID = "e-3"
        try await store.append([fits])  // the writer is usable again

        let rows = try await store.timeline(order: "shopify:1")
        XCTAssertEqual(rows.map(\.eventID), ["e-1", "e-3"])
        XCTAssertEqual(rows.map(\.detail), ["short", "short"])
        await store.close()
    }
}
