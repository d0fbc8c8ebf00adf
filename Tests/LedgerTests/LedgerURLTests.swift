import Foundation
import Ledger
import XCTest

/// URL parsing, defaults and duration parsing: bad input gives typed, readable errors.
final class LedgerURLTests: XCTestCase {
    func testParsesSQLiteForms() throws {
        XCTAssertEqual(
            try LedgerURL.parse("sqlite:///var/lib/driftless/ledger.db"),
            .sqlite(.init(path: "/var/lib/driftless/ledger.db", busyTimeout: .milliseconds(5000))))
        XCTAssertEqual(
            try LedgerURL.parse("sqlite::memory:"), .sqlite(.init(path: nil, busyTimeout: .milliseconds(5000))))
        XCTAssertEqual(
            try LedgerURL.parse("sqlite://:memory:?busy_timeout_ms=50"),
            .sqlite(.init(path: nil, busyTimeout: .milliseconds(50))))
        XCTAssertEqual(
            try LedgerURL.parse("sqlite://./.data/driftless.db", baseDirectory: "/srv/app"),
            .sqlite(.init(path: "/srv/app/.data/driftless.db", busyTimeout: .milliseconds(5000))))
        XCTAssertEqual(
            try LedgerURL.parse("sqlite://../x/l%20d.db", baseDirectory: "/srv/app").redacted, "sqlite:///srv/x/l d.db")
    }

    func testParsesPostgresForms() throws {
        guard
            case let .postgres(options) = try LedgerURL.parse(
                "postgresql://dl%40ops:p%3Ass@db.local:6543/ledger?sslmode=require&connect_timeout=3&pool_max=4&schema=tenant_a"
            )
        else { return XCTFail("expected postgres") }
        XCTAssertEqual(options.username, "dl@ops")
        XCTAssertEqual(options.password, "p:ss")
        XCTAssertEqual(options.host, "db.local")
        XCTAssertEqual(options.port, 6543)
        XCTAssertEqual(options.database, "ledger")
        XCTAssertEqual(options.sslMode, .require)
        XCTAssertEqual(options.connectTimeout, .seconds(3))
        XCTAssertEqual(options.maxConnections, 4)
        XCTAssertEqual(options.schema, "tenant_a")
        XCTAssertFalse(options.redacted.contains("p:ss"))
        guard case let .postgres(defaults) = try LedgerURL.parse("postgres://u@localhost/db") else {
            return XCTFail("expected postgres")
        }
        XCTAssertEqual(defaults.port, 5432)
        XCTAssertNil(defaults.password)
        XCTAssertEqual(defaults.sslMode, .disable)
        XCTAssertEqual(defaults.schema, "public")
    }

    func testMalformedURLsAreRejectedWithReasons() {
        let cases: [(String, String)] = [
            ("mysql://u:p@h/db", "unknown scheme"),
            ("", "unknown scheme"),
            ("/tmp/ledger.db", "unknown scheme"),
            ("sqlite:/relative.db", "expected sqlite:///"),
            ("sqlite://", "missing database file path"),
            ("sqlite:///tmp/dir/", "directory"),
            ("sqlite:///tmp/x.db?journal=off", "unknown parameter 'journal'"),
            ("sqlite:///tmp/x.db?busy_timeout_ms=-1", "busy_timeout_ms"),
            ("postgres://h/db", "missing user"),
            ("postgres://u:secret@/db", "missing host"),
            ("postgres://u:secret@h:99999/db", "port"),
            ("postgres://u:secret@h:5432/", "database name"),
            ("postgres://u:secret@h/db?sslmode=maybe", "sslmode"),
            ("postgres://u:secret@h/db?schema=Robert');DROP", "schema"),
            ("postgres://u:secret@h/db?connect_timeout=0", "connect_timeout"),
            ("postgres://u:secret@h/db?colour=blue", "unknown parameter 'colour'"),
        ]
        for (url, expected) in cases {
            XCTAssertThrowsError(try LedgerURL.parse(url), url) { error in
                guard let error = error as? LedgerError, case .invalidURL = error else {
                    return XCTFail("\(url): expected .invalidURL, got \(error)")
                }
                XCTAssertTrue(error.description.contains(expected), "\(url): \(error.description)")
                XCTAssertFalse(error.description.contains("secret"), "\(url): password leaked: \(error.description)")
            }
        }
    }

    func testOpenRejectsMalformedURLBeforeTouchingAnything() async {
        do {
            _ = try await Ledger.open(url: "redis://localhost")
            XCTFail("must throw")
        } catch let error as LedgerError {
            guard case .invalidURL = error else { return XCTFail("got \(error)") }
        } catch {
            XCTFail("untyped error \(error)")
        }
    }

    func testResolveURLPrecedence() {
        XCTAssertEqual(
            Ledger.resolveURL(explicit: "sqlite::memory:", environment: ["DRIFTLESS_LEDGER_URL": "postgres://u@h/d"]),
            "sqlite::memory:")
        XCTAssertEqual(
            Ledger.resolveURL(explicit: nil, environment: ["DRIFTLESS_LEDGER_URL": "postgres://u@h/d"]),
            "postgres://u@h/d")
        XCTAssertEqual(Ledger.resolveURL(explicit: nil, environment: [:]), "sqlite://./.data/driftless.db")
    }

    func testDurationsAndInstants() throws {
        XCTAssertEqual(try LedgerTimeSpec.duration("30d"), 30 * 86_400)
        XCTAssertEqual(try LedgerTimeSpec.duration("1h30m"), 5400)
        XCTAssertEqual(try LedgerTimeSpec.duration("90s"), 90)
        XCTAssertEqual(try LedgerTimeSpec.duration("2w"), 1_209_600)
        for bad in ["", "30", "d", "-1h", "1.5h", "1y", "0s", "1h 30m"] {
            XCTAssertThrowsError(try LedgerTimeSpec.duration(bad), bad) { error in
                XCTAssertTrue("\(error)".contains("not a duration"), "\(bad): \(error)")
            }
        }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        XCTAssertEqual(try LedgerTimeSpec.instant("1h", now: now), now.addingTimeInterval(-3600))
        XCTAssertEqual(
            try LedgerTimeSpec.instant("2027-01-14T08:00:00Z", now: now).timeIntervalSince1970, 1_799_913_600)
        XCTAssertEqual(
            try LedgerTimeSpec.instant("2027-01-14T08:00:00.250Z", now: now).timeIntervalSince1970, 1_799_913_600.25)
        XCTAssertThrowsError(try LedgerTimeSpec.instant("yesterday", now: now))
    }

    func testFailureClassification() {
        func record(_ hop: AuditHop, http: Int? = nil, reason: String? = nil) -> AuditRecord {
            AuditRecord(hop: hop, orderKey: "shopify:1", eventID: "e", stage: "s", httpStatus: http, reason: reason)
        }
        XCTAssertTrue(record(.quarantined).isFailure)
        XCTAssertTrue(record(.illegal).isFailure)
        XCTAssertTrue(record(.deadLettered).isFailure)
        XCTAssertTrue(record(.retried, reason: "timeout").isFailure)
        XCTAssertTrue(record(.retried, http: 429).isFailure)
        XCTAssertFalse(record(.retried).isFailure)
        XCTAssertTrue(record(.dispatched, http: 400).isFailure)
        XCTAssertFalse(record(.dispatched, http: 204).isFailure)
        XCTAssertFalse(record(.translated).isFailure)
        XCTAssertEqual(AuditHop(parsing: "dead-lettered"), .deadLettered)
        XCTAssertEqual(AuditHop(parsing: "deadLettered"), .deadLettered)
        XCTAssertNil(AuditHop(parsing: "lost"))
    }
}
