import Foundation
import Ledger
import XCTest

/// The behaviour every ``LedgerStore`` backend must show. Each backend's test class calls every
/// method here (one XCTest method each) with a factory that returns the URL of a fresh, empty ledger.
struct LedgerConformance {
    let makeURL: @Sendable () async throws -> String

    private func open() async throws -> (any LedgerStore, String) {
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
            F.record(.illegal, order: "amazon:1", event: "a1", stage: "translate", at: 4, from: "shipped", to: "pending"),
            F.record(.dispatched, order: "amazon:1", event: "a1", stage: "dispatch", at: 5, channel: "erp", http: 200),
            F.record(.dispatched, order: "amazon:2", event: "a2", stage: "dispatch", at: 6, channel: "erp", http: 503),
            F.record(.retried, order: "amazon:2", event: "a2", stage: "dispatch", at: 7, channel: "erp", reason: "HTTP 503"),
            F.record(.retried, order: "amazon:3", event: "a3", stage: "dispatch", at: 8, channel: "erp"),
            F.record(.deadLettered, order: "amazon:2", event: "a2", stage: "dispatch", at: 9, channel: "erp", reason: "attempts exhausted"),
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
        XCTAssertEqual(latest, ["retried:a2", "retried:a3", "dead_lettered:a2"], "limit keeps the most recent, oldest first")
        let combined = try await events(AuditQuery(since: F.at(5), hops: [.dispatched, .retried], channel: "erp", status: .failed, limit: 10))
        XCTAssertEqual(combined, ["dispatched:a2", "retried:a2"])
        for record in try await store.search(AuditQuery(limit: 100)) {
            XCTAssertEqual(AuditQuery(status: .failed).matches(record), record.isFailure)
        }
    }

    func stateUpsertAndVersionGuard() async throws {
        let (store, _) = try await open()
        defer { Task { await store.close() } }
        var shopify = OrderStateRecord(
            orderKey: "shopify:1001", system: "shopify", state: "paid", dimensionsJSON: #"{"payment":"paid","fulfillment":"unfulfilled"}"#,
            version: 1, sourceTimestamp: LedgerFixtures.at(0), updatedAt: LedgerFixtures.at(1))
        shopify.markApplied("e1")
        let erp = OrderStateRecord(orderKey: "shopify:1001", system: "erp", state: "open", version: 1, updatedAt: LedgerFixtures.at(1))
        let other = OrderStateRecord(orderKey: "amazon:1", system: "amazon", state: "pending", version: 7, updatedAt: LedgerFixtures.at(1))
        let written = try await store.saveStates([shopify, erp, other])
        XCTAssertEqual(written, 3)
        let loaded = try await store.loadState(order: "shopify:1001", system: "shopify")
        XCTAssertEqual(loaded?.state, "paid")
        XCTAssertEqual(loaded?.dimensionsJSON, shopify.dimensionsJSON)
        XCTAssertEqual(loaded?.appliedEventIDs, ["e1"])
        XCTAssertEqual(loaded?.lastEventID, "e1")
        XCTAssertEqual(loaded?.sourceTimestamp?.timeIntervalSince1970 ?? 0, LedgerFixtures.at(0).timeIntervalSince1970, accuracy: 0.000_002)
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
        XCTAssertEqual(Set(batch.map(\.key.description)), ["shopify:1001@shopify", "shopify:1001@erp", "amazon:1@amazon"])
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
        try await store.saveStates([
            OrderStateRecord(orderKey: "old:1", system: "erp", state: "open", version: 1, updatedAt: F.at(-7200)),
            OrderStateRecord(orderKey: "new:1", system: "erp", state: "open", version: 1, updatedAt: F.at(10)),
        ])
        let result = try await store.purge(olderThan: F.at(-60))
        XCTAssertEqual(result.auditRecords, 2)
        XCTAssertEqual(result.orderStates, 1)
        XCTAssertEqual(result.total, 3)
        let remaining = try await store.search(AuditQuery(limit: 100))
        XCTAssertEqual(remaining.map(\.eventID), ["new1"])
        let oldState = try await store.loadState(order: "old:1", system: "erp")
        XCTAssertNil(oldState)
        let again = try await store.purge(olderThan: F.at(-60))
        XCTAssertEqual(again.total, 0)
    }

    func migrationsIdempotent() async throws {
        let url = try await makeURL()
        let first = try await Ledger.open(url: url)
        let versions = try await first.schemaVersions()
        XCTAssertEqual(versions, LedgerMigration.all.map(\.version))
        XCTAssertEqual(versions, [1, 2])
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
        XCTAssertEqual(opened, Array(repeating: [1, 2], count: 3))
        await second.close()
    }

    func writerBackPressureBoundsBuffer() async throws {
        let (base, _) = try await open()
        let slow = SlowStore(base, delay: .milliseconds(15))
        let capacity = 8
        let writer = AuditWriter(
            store: slow, configuration: AuditWriterConfiguration(capacity: capacity, batchSize: 4, flushInterval: .milliseconds(5)))
        let tasks = 8, perTask = 20
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for index in 0..<perTask {
                        try await writer.record(LedgerFixtures.record(.received, order: "bp:\(task)", event: "bp-\(task)-\(index)", at: Double(index)))
                        let stats = await writer.stats
                        XCTAssertLessThanOrEqual(stats.buffered, capacity)
                    }
                }
            }
            try await group.waitForAll()
        }
        try await writer.flush()
        let stats = await writer.stats
        XCTAssertLessThanOrEqual(stats.highWaterMark, capacity, "buffer never grows past its bound")
        XCTAssertEqual(stats.highWaterMark, capacity, "the slow store filled the buffer")
        XCTAssertGreaterThan(stats.backPressureWaits, 0, "record suspended while the buffer was full")
        XCTAssertEqual(stats.written, tasks * perTask)
        XCTAssertEqual(stats.buffered, 0)
        let batches = await slow.counters.batches
        XCTAssertTrue(batches.allSatisfy { $0 <= 4 }, "batches respect batchSize: \(batches)")
        XCTAssertLessThan(batches.count, tasks * perTask, "records were batched")
        let stored = try await base.search(AuditQuery(orderPrefix: "bp:", limit: 10_000))
        XCTAssertEqual(Set(stored.map(\.eventID)).count, tasks * perTask, "no record lost or duplicated")
        XCTAssertEqual(stored.count, tasks * perTask)
        let lost = await writer.shutdown()
        XCTAssertEqual(lost, 0)
        await base.close()
    }

    func writerKeepsRecordsAcrossOutage() async throws {
        let (base, _) = try await open()
        let flaky = FlakyStore(base, failures: 5)
        let writer = AuditWriter(
            store: flaky,
            configuration: AuditWriterConfiguration(
                capacity: 100, batchSize: 10, flushInterval: .milliseconds(5), initialBackoff: .milliseconds(2), maxBackoff: .milliseconds(20)))
        for index in 0..<30 {
            try await writer.record(LedgerFixtures.record(.received, order: "out:1", event: "o-\(index)", at: Double(index)))
        }
        // Durability wait: returns only once the record is really stored, through the outage.
        try await writer.recordAndWait(LedgerFixtures.record(.validated, order: "out:1", event: "o-last", stage: "validate", at: 100))
        let afterWait = try await base.timeline(order: "out:1")
        XCTAssertEqual(afterWait.count, 31, "recordAndWait returned only after everything before it was stored")
        XCTAssertEqual(afterWait.map(\.eventID), (0..<30).map { "o-\($0)" } + ["o-last"], "order kept across retries")
        let stats = await writer.stats
        XCTAssertEqual(stats.failedAttempts, 5)
        XCTAssertEqual(stats.written, 31)
        XCTAssertNil(stats.lastError)
        let failed = await flaky.counters.failed
        XCTAssertEqual(failed, 5)
        let ticket = try await writer.record(LedgerFixtures.record(.translated, order: "out:1", event: "o-t", stage: "translate", at: 101))
        try await writer.waitUntilDurable(ticket)
        try await writer.flush()
        let lost = await writer.shutdown()
        XCTAssertEqual(lost, 0)
        do {
            try await writer.record(LedgerFixtures.record(.received, at: 1))
            XCTFail("record after shutdown must throw")
        } catch let error as LedgerError {
            guard case .closed = error else { return XCTFail("unexpected \(error)") }
        }
        let final = try await base.timeline(order: "out:1")
        XCTAssertEqual(final.count, 32)
        await base.close()
    }

    func writerShutdownReportsUnwrittenWhenStoreStaysDown() async throws {
        let (base, _) = try await open()
        let down = FlakyStore(base, failures: Int.max)
        let writer = AuditWriter(
            store: down, configuration: AuditWriterConfiguration(capacity: 10, batchSize: 5, initialBackoff: .milliseconds(2), maxBackoff: .milliseconds(10)))
        for index in 0..<7 { try await writer.record(LedgerFixtures.record(.received, order: "down:1", event: "d\(index)", at: Double(index))) }
        let started = ContinuousClock.now
        let lost = await writer.shutdown(timeout: .milliseconds(200))
        XCTAssertEqual(lost, 7, "shutdown reports what it could not write instead of hiding it")
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
        let stored = try await base.timeline(order: "down:1")
        XCTAssertTrue(stored.isEmpty)
        await base.close()
    }

    /// `trace` on an order that went through dedupe, quarantine and translation.
    func traceOrderThroughHops() async throws {
        let (store, _) = try await open()
        defer { Task { await store.close() } }
        typealias F = LedgerFixtures
        try await store.append([
            F.record(.received, event: "w1", at: 0),
            F.record(.received, event: "w1", at: 1),
            F.record(.deduped, event: "w1", at: 1, reason: "event id already seen"),
            F.record(.validated, event: "w1", stage: "validate", at: 2),
            F.record(.translated, event: "w1", stage: "translate", at: 3, from: "pending", to: "paid"),
            F.record(.received, event: "w2", at: 10),
            F.record(.quarantined, event: "w2", stage: "validate", at: 11, reason: "missing financial_status"),
            F.record(.dispatched, event: "w1", stage: "dispatch", at: 12, channel: "erp", http: 201),
            F.record(.received, order: "shopify:2002", event: "z", at: 5),
        ])
        try await store.saveStates([
            OrderStateRecord(orderKey: "shopify:1001", system: "shopify", state: "paid", version: 2, lastEventID: "w1", updatedAt: F.at(3)),
            OrderStateRecord(orderKey: "shopify:1001", system: "erp", state: "paid", version: 1, lastEventID: "w1", updatedAt: F.at(12)),
        ])
        let table = try await TraceRequest(order: "shopify:1001").run(store: store, now: F.at(60))
        let lines = table.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "Order shopify:1001: 8 audit records")
        XCTAssertTrue(lines[1].hasPrefix("TIME"), lines[1])
        let body = Array(lines[2..<10])
        let hops = body.map { $0.split(separator: " ", omittingEmptySubsequences: true)[1] }
        XCTAssertEqual(hops, ["received", "received", "deduped", "validated", "translated", "received", "quarantined", "dispatched"])
        XCTAssertTrue(body[4].contains("pending -> paid"), body[4])
        XCTAssertTrue(body[6].contains("FAILED") && body[6].contains("missing financial_status"), body[6])
        XCTAssertTrue(body[7].contains(" erp ") && body[7].contains("201"), body[7])
        XCTAssertTrue(body[0].contains("driftless.ingest.raw[3]@0"), body[0])
        XCTAssertFalse(table.contains("shopify:2002"))
        XCTAssertTrue(table.contains("Current state:"))
        XCTAssertTrue(lines.contains { $0.contains("erp") && $0.contains("paid") && $0.contains("w1") && $0.hasPrefix("  ") })

        let json = try await TraceRequest(order: "shopify:1001", json: true).run(store: store, now: F.at(60))
        let report = try TraceRenderer.decodeJSON(json)
        XCTAssertEqual(report.order, "shopify:1001")
        XCTAssertEqual(report.records.map(\.hop), [.received, .received, .deduped, .validated, .translated, .received, .quarantined, .dispatched])
        XCTAssertEqual(report.records[6].reason, "missing financial_status")
        XCTAssertEqual(report.states.map(\.system), ["erp", "shopify"])
        XCTAssertTrue(json.contains(#""hop" : "quarantined""#), "hop spelled as stored")

        let failed = try await TraceRequest(since: "1h", status: "failed", json: true).run(store: store, now: F.at(60))
        let failedReport = try TraceRenderer.decodeJSON(failed)
        XCTAssertNil(failedReport.order)
        XCTAssertEqual(failedReport.records.map(\.eventID), ["w2"])
        let searchTable = try await TraceRequest(since: "1h", hops: ["received"], limit: 2).run(store: store, now: F.at(60))
        XCTAssertTrue(searchTable.hasPrefix("2 matching audit records"), searchTable)
        XCTAssertTrue(searchTable.contains("ORDER"))
        let tooLate = try await TraceRequest(since: "10s", status: "failed").run(store: store, now: F.at(60))
        XCTAssertTrue(tooLate.hasPrefix("0 matching audit records"), tooLate)
        do {
            _ = try await TraceRequest(hops: ["teleported"]).run(store: store)
            XCTFail("unknown hop must be rejected")
        } catch let error as LedgerError {
            XCTAssertTrue(error.description.contains("unknown hop 'teleported'"), error.description)
        }
    }
}
