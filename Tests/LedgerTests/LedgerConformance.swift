import Foundation
import Ledger
import XCTest

/// The behaviour every ``LedgerStore`` backend must show. Each backend's test class calls every
/// method here (one XCTest method each) with a factory that returns the URL of a fresh, empty ledger.
struct LedgerConformance {
    let makeURL: @Sendable () async throws -> String

    func open() async throws -> (any LedgerStore, String) {
        let url = try await makeURL()
        return (try await Ledger.open(url: url), url)
    }

    func appendAndTimelineOrdering() async throws {
        let (store, _) = try await open()
        defer { Task { await store.close() } }
        typealias F = LedgerFixtures
        let inserted = [
            F.record(.translated, event: "e1", stage: "translate", at: 20, from: "pending", to: "paid"),
            F.record(.received, event: "e1", at: 0),
            F.record(.validated, event: "e1", stage: "validate", at: 10),
            F.record(.received, order: "amazon:902-1", event: "a1", at: 5),
            F.record(.deduped, event: "e1", at: 10, reason: "duplicate webhook"),  // same time as validated, later id
        ]
        try await store.append(inserted)
        let timeline = try await store.timeline(order: "shopify:1001")
        XCTAssertEqual(timeline.map(\.hop), [.received, .validated, .deduped, .translated])
        let ids = timeline.compactMap(\.id)
        XCTAssertEqual(ids.count, 4)
        XCTAssertLessThan(ids[1], ids[2], "equal times are ordered by id (insertion order)")
        LedgerFixtures.assertSame(timeline[3], inserted[0])
        LedgerFixtures.assertSame(timeline[0], inserted[1])
        XCTAssertEqual(timeline[3].channel, "shopify", "channel defaults to the order key prefix")
        let other = try await store.timeline(order: "amazon:902-1")
        XCTAssertEqual(other.count, 1)
        LedgerFixtures.assertSame(other[0], inserted[3])
        let none = try await store.timeline(order: "shopify:404")
        XCTAssertTrue(none.isEmpty)
        try await store.append([])  // no-op
    }

    func searchFilters() async throws {
        let (store, _) = try await open()
        defer { Task { await store.close() } }
        typealias F = LedgerFixtures
        try await store.append([
            F.record(.received, order: "shopify:1", event: "s1", at: 0),
            F.record(.quarantined, order: "shopify:1", event: "s1", stage: "validate", at: 1, reason: "bad payload"),
            F.record(.received, order: "shop_fy:9", event: "x1", at: 2),
            F.record(.received, order: "amazon:1", event: "a1", at: 3),
            F.record(
                .illegal, order: "amazon:1", event: "a1", stage: "translate", at: 4, from: "shipped", to: "pending"),
            F.record(.dispatched, order: "amazon:1", event: "a1", stage: "dispatch", at: 5, channel: "erp", http: 200),
            F.record(.dispatched, order: "amazon:2", event: "a2", stage: "dispatch", at: 6, channel: "erp", http: 503),
            F.record(
                .retried, order: "amazon:2", event: "a2", stage: "dispatch", at: 7, channel: "erp", reason: "HTTP 503"),
            F.record(.retried, order: "amazon:3", event: "a3", stage: "dispatch", at: 8, channel: "erp"),
            F.record(
                .deadLettered, order: "amazon:2", event: "a2", stage: "dispatch", at: 9, channel: "erp",
                reason: "attempts exhausted"),
        ])
        func events(_ query: AuditQuery) async throws -> [String] {
            try await store.search(query).map { "\($0.hop.rawValue):\($0.eventID)" }
        }
        let failed = try await events(AuditQuery(status: .failed))
        XCTAssertEqual(failed, ["quarantined:s1", "illegal:a1", "dispatched:a2", "retried:a2", "dead_lettered:a2"])
        let ok = try await events(AuditQuery(status: .ok))
        XCTAssertEqual(ok, ["received:s1", "received:x1", "received:a1", "dispatched:a1", "retried:a3"])
        let window = try await events(AuditQuery(since: F.at(2), until: F.at(5)))
        XCTAssertEqual(window, ["received:x1", "received:a1", "illegal:a1"], "since inclusive, until exclusive")
        let hops = try await events(AuditQuery(hops: [.received, .deadLettered]))
        XCTAssertEqual(hops, ["received:s1", "received:x1", "received:a1", "dead_lettered:a2"])
        let prefix = try await events(AuditQuery(orderPrefix: "shop_"))
        XCTAssertEqual(prefix, ["received:x1"], "LIKE wildcards in the prefix are literal")
        let shopify = try await events(AuditQuery(orderPrefix: "shopify:"))
        XCTAssertEqual(shopify, ["received:s1", "quarantined:s1"])
        let erp = try await events(AuditQuery(channel: "erp", stage: "dispatch"))
        XCTAssertEqual(erp.count, 5)
        let validate = try await events(AuditQuery(stage: "validate"))
        XCTAssertEqual(validate, ["quarantined:s1"])
        let latest = try await events(AuditQuery(limit: 3))
        XCTAssertEqual(
            latest, ["retried:a2", "retried:a3", "dead_lettered:a2"], "limit keeps the most recent, oldest first")
        let combined = try await events(
            AuditQuery(since: F.at(5), hops: [.dispatched, .retried], channel: "erp", status: .failed, limit: 10))
        XCTAssertEqual(combined, ["dispatched:a2", "retried:a2"])
        for record in try await store.search(AuditQuery(limit: 100)) {
            XCTAssertEqual(AuditQuery(status: .failed).matches(record), record.isFailure)
        }
    }

    func stateUpsertAndVersionGuard() async throws {
        let (store, _) = try await open()
        defer { Task { await store.close() } }
        var shopify = OrderStateRecord(
            orderKey: "shopify:1001", system: "shopify", state: "paid",
            dimensionsJSON: #"{"payment":"paid","fulfillment":"unfulfilled"}"#,
            version: 1, sourceTimestamp: LedgerFixtures.at(0), updatedAt: LedgerFixtures.at(1))
        shopify.markApplied("e1")
        let erp = OrderStateRecord(
            orderKey: "shopify:1001", system: "erp", state: "open", version: 1, updatedAt: LedgerFixtures.at(1))
        let other = OrderStateRecord(
            orderKey: "amazon:1", system: "amazon", state: "pending", version: 7, updatedAt: LedgerFixtures.at(1))
        let written = try await store.saveStates([shopify, erp, other])
        XCTAssertEqual(written, 3)
        let loaded = try await store.loadState(order: "shopify:1001", system: "shopify")
        XCTAssertEqual(loaded?.state, "paid")
        XCTAssertEqual(loaded?.dimensionsJSON, shopify.dimensionsJSON)
        XCTAssertEqual(loaded?.appliedEventIDs, ["e1"])
        XCTAssertEqual(loaded?.lastEventID, "e1")
        XCTAssertEqual(
            loaded?.sourceTimestamp?.timeIntervalSince1970 ?? 0, LedgerFixtures.at(0).timeIntervalSince1970,
            accuracy: 0.000_002)
        let missing = try await store.loadState(order: "shopify:1001", system: "amazon")
        XCTAssertNil(missing)

        var stale = shopify
        stale.state = "pending"
        var changed = try await store.saveStates([stale], onlyIfNewer: true)
        XCTAssertEqual(changed, 0, "same version is not newer")
        stale.version = 0
        changed = try await store.saveStates([stale], onlyIfNewer: true)
        XCTAssertEqual(changed, 0, "older version is ignored")
        let unchanged = try await store.loadState(order: "shopify:1001", system: "shopify")
        XCTAssertEqual(unchanged?.state, "paid")

        var newer = shopify
        newer.state = "shipped"
        newer.version = 2
        newer.markApplied("e2")
        var newerStill = newer
        newerStill.version = 3
        newerStill.state = "delivered"
        changed = try await store.saveStates([newerStill, newer], onlyIfNewer: true)
        XCTAssertEqual(changed, 1, "one row per key; the newest of the batch wins")
        let latest = try await store.loadState(order: "shopify:1001", system: "shopify")
        XCTAssertEqual(latest?.state, "delivered")
        XCTAssertEqual(latest?.version, 3)
        XCTAssertEqual(latest?.appliedEventIDs, ["e1", "e2"])

        var forced = shopify
        forced.state = "cancelled"
        changed = try await store.saveStates([forced])
        XCTAssertEqual(changed, 1, "without the guard the last writer wins")
        let forcedBack = try await store.loadState(order: "shopify:1001", system: "shopify")
        XCTAssertEqual(forcedBack?.state, "cancelled")

        let batch = try await store.loadStates(orders: ["shopify:1001", "amazon:1", "nobody:1", "amazon:1"])
        XCTAssertEqual(
            Set(batch.map(\.key.description)), ["shopify:1001@shopify", "shopify:1001@erp", "amazon:1@amazon"])
        let empty = try await store.loadStates(orders: [])
        XCTAssertTrue(empty.isEmpty)

        var bounded = OrderStateRecord(orderKey: "o", system: "erp", state: "s", version: 1)
        for index in 0..<100 { bounded.markApplied("id\(index)", limit: 10) }
        XCTAssertEqual(bounded.appliedEventIDs, (90..<100).map { "id\($0)" })
        try await store.saveStates([bounded])
        let boundedLoaded = try await store.loadState(order: "o", system: "erp")
        XCTAssertEqual(boundedLoaded?.appliedEventIDs.count, 10)
    }

    func purgeByAge() async throws {
        let (store, _) = try await open()
        defer { Task { await store.close() } }
        typealias F = LedgerFixtures
        try await store.append([
            F.record(.received, event: "old1", at: -3600), F.record(.validated, event: "old1", at: -3500),
            F.record(.received, event: "new1", at: 0),
        ])
        let cancelled = OrderStateRecord(
            orderKey: "shopify:old", system: "shopify", state: "cancelled", version: 4, lastEventID: "e4",
            updatedAt: F.at(-7200))
        try await store.saveStates([
            cancelled,
            OrderStateRecord(orderKey: "new:1", system: "erp", state: "open", version: 1, updatedAt: F.at(10)),
        ])
        let result = try await store.purge(olderThan: F.at(-60))
        XCTAssertEqual(result.auditRecords, 2)
        XCTAssertEqual(result.total, 2, "only audit rows are purged")
        let remaining = try await store.search(AuditQuery(limit: 100))
        XCTAssertEqual(remaining.map(\.eventID), ["new1"])
        // A dormant order keeps its last state and version: a late event finds it cancelled at v4.
        let kept = try await store.loadState(order: "shopify:old", system: "shopify")
        XCTAssertEqual(kept?.state, "cancelled")
        XCTAssertEqual(kept?.version, 4)
        var late = cancelled
        late.state = "open"
        late.version = 1
        let written = try await store.saveStates([late], onlyIfNewer: true)
        XCTAssertEqual(written, 0, "a restarted version 1 cannot overwrite the kept state")
        let again = try await store.purge(olderThan: F.at(-60))
        XCTAssertEqual(again.total, 0)
    }

    /// Both backends report the same count for the same input, several rows of one key included
    /// (PostgreSQL writes one row per key; the count is still that of applying rows one by one).
    func saveCountWithSeveralRowsPerKey() async throws {
        let (store, _) = try await open()
        defer { Task { await store.close() } }
        func row(_ key: String, _ version: Int64, _ state: String = "open") -> OrderStateRecord {
            OrderStateRecord(
                orderKey: key, system: "shopify", state: state, version: version, updatedAt: LedgerFixtures.at(0))
        }
        var written = try await store.saveStates(
            [row("a", 1), row("a", 2), row("a", 3), row("b", 1)], onlyIfNewer: true)
        XCTAssertEqual(written, 4, "three versions of a, one of b: all newer than the one before")
        written = try await store.saveStates(
            [row("a", 2), row("a", 5, "paid"), row("a", 4), row("b", 1), row("c", 2), row("c", 1)], onlyIfNewer: true)
        XCTAssertEqual(written, 2, "a: 2 refused, 5 written, 4 refused; b refused; c: 2 written, 1 refused")
        written = try await store.saveStates([row("a", 5), row("a", 5)], onlyIfNewer: true)
        XCTAssertEqual(written, 0)
        let a = try await store.loadState(order: "a", system: "shopify")
        XCTAssertEqual(a?.version, 5)
        XCTAssertEqual(a?.state, "paid")
        let c = try await store.loadState(order: "c", system: "shopify")
        XCTAssertEqual(c?.version, 2)
        written = try await store.saveStates([row("a", 1, "x"), row("a", 2, "y"), row("d", 1)])
        XCTAssertEqual(written, 3, "without the guard every row counts")
        let forced = try await store.loadState(order: "a", system: "shopify")
        XCTAssertEqual(forced?.state, "y", "the last row of a key wins")
        // A larger batch: 50 keys × 3 versions over a store holding version 2 of half of them.
        try await store.saveStates((0..<25).map { row("k\($0)", 2) })
        let batch = (0..<50).flatMap { index in (1...3).map { row("k\(index)", Int64($0)) } }
        written = try await store.saveStates(batch, onlyIfNewer: true)
        XCTAssertEqual(written, 25 * 1 + 25 * 3)
    }

    func migrationsIdempotent() async throws {
        let url = try await makeURL()
        let first = try await Ledger.open(url: url)
        let versions = try await first.schemaVersions()
        XCTAssertEqual(versions, LedgerMigration.all.map(\.version))
        XCTAssertEqual(versions, LedgerMigration.all.map(\.version))
        try await first.append([LedgerFixtures.record(.received, at: 0)])
        await first.close()
        let second = try await Ledger.open(url: url)
        let versionsAgain = try await second.schemaVersions()
        XCTAssertEqual(versionsAgain, versions, "reopening applies nothing twice")
        let kept = try await second.timeline(order: "shopify:1001")
        XCTAssertEqual(kept.count, 1, "reopening keeps data")
        // Open concurrently on the same location: all succeed and agree.
        let opened = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<3 {
                group.addTask {
                    let store = try await Ledger.open(url: url)
                    let versions = try await store.schemaVersions()
                    await store.close()
                    return versions
                }
            }
            return try await group.reduce(into: [[Int]]()) { $0.append($1) }
        }
        XCTAssertEqual(opened, Array(repeating: LedgerMigration.all.map(\.version), count: 3))
        await second.close()
    }
}
