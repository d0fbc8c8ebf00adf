import AsyncHTTPClient
import DriftlessTesting
import Foundation
import Ledger
import Logging
import OrderModel
import Pipeline
import ServiceLifecycle
import XCTest

/// The alert service against real HTTP receivers on loopback standing in for Slack and Teams, with
/// `alerted` rows in a real SQLite ledger.
final class AlertDeliveryTests: XCTestCase {
    private struct Rig {
        var slack: AlertReceiver
        var teams: AlertReceiver
        var service: AlertService
        var task: Task<Void, Never>
        var ledger: any LedgerStore
        var writer: AuditWriter
        var directory: URL

        var engine: AlertEngine { service.engine }

        /// `alerted` rows written so far.
        func rows() async throws -> [AuditRecord] {
            _ = try? await writer.flush()
            return try await ledger.search(AuditQuery(hops: [.alerted], limit: 1000))
        }

        /// Waits until `count` deliveries (to either receiver) were recorded, i.e. finished.
        func waitForDeliveries(_ count: Int) async throws {
            let done = try await eventually(timeout: .seconds(60)) { try await rows().count >= count }
            let have = try await rows().count
            XCTAssertTrue(done, "expected \(count) recorded deliveries, have \(have)")
        }

        func stop() async {
            task.cancel()
            await task.value
            await slack.stop()
            await teams.stop()
            _ = await writer.shutdown()
            await ledger.close()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    private func start(
        rules: [AlertRule] = AlertRule.defaults, cooldown: Duration = .seconds(3600),
        slackScript: [AlertReceiver.Answer] = []
    ) async throws -> Rig {
        let slack = try await AlertReceiver.start(script: slackScript)
        let teams = try await AlertReceiver.start(path: "/workflows/abc/triggers/manual")
        let directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-alerts")
        let ledger = try await Ledger.open(url: "sqlite://" + directory.appendingPathComponent("ledger.db").path)
        var logger = Logger(label: "alerts-test")
        logger.logLevel = .critical
        let writer = AuditWriter(store: ledger, logger: logger)
        let configuration = AlertConfiguration(
            rules: rules, cooldown: cooldown,
            destinations: [
                AlertDestination(kind: .slack, url: Secret(slack.url)),
                AlertDestination(kind: .teams, url: Secret(teams.url)),
            ],
            // Long: the test drives time through the signals' dates.
            evaluationInterval: .seconds(3600), maxAttempts: 4)
        let engine = AlertEngine(rules: rules, cooldown: cooldown)
        let service = AlertService(
            configuration: configuration, engine: engine, audit: LedgerAuditSink(writer: writer), logger: logger)
        let task = Task { await service.run() }
        return Rig(
            slack: slack, teams: teams, service: service, task: task, ledger: ledger, writer: writer,
            directory: directory)
    }

    func testSixMismatchesInAnHourSendOneSlackMessageAndOneAdaptiveCard() async throws {
        let sentinel = AlertRule(kind: .deadLetterGrowth, threshold: 0, window: .seconds(3600))
        let rig = try await start(rules: [.standard(.mismatches), sentinel])
        let now = Date()
        for i in 0..<6 {
            rig.engine.record(mismatch: i % 2 == 0 ? .silentCancellation : .paymentGap, at: now + Double(i))
        }
        // A sentinel after them (a rule with a bound of zero): deliveries to one receiver go in
        // order, so once it arrived anything the mismatches caused has arrived too.
        rig.engine.record(.deadLettered, at: now + 7)
        try await rig.waitForDeliveries(4)
        let mismatchTexts = { (receiver: AlertReceiver) in
            receiver.received.filter { String(decoding: $0.body, as: UTF8.self).contains("Driftless mismatches") }
        }
        XCTAssertEqual(rig.slack.received.count, 2)
        XCTAssertEqual(rig.teams.received.count, 2)
        XCTAssertEqual(mismatchTexts(rig.slack).count, 1)
        XCTAssertEqual(mismatchTexts(rig.teams).count, 1)
        let slackJSON = try XCTUnwrap(mismatchTexts(rig.slack).first?.json)
        let text = try XCTUnwrap(slackJSON["text"] as? String)
        XCTAssertTrue(text.hasPrefix("[HIGH] Driftless mismatches: 6 order status mismatches"), text)

        let teamsJSON = try XCTUnwrap(mismatchTexts(rig.teams).first?.json)
        XCTAssertEqual(teamsJSON["type"] as? String, "message")
        let attachments = try XCTUnwrap(teamsJSON["attachments"] as? [[String: Any]])
        XCTAssertEqual(attachments.count, 1)
        XCTAssertEqual(attachments[0]["contentType"] as? String, "application/vnd.microsoft.card.adaptive")
        let card = try XCTUnwrap(attachments[0]["content"] as? [String: Any])
        XCTAssertEqual(card["type"] as? String, "AdaptiveCard")
        XCTAssertEqual(card["version"] as? String, "1.2")
        let body = try XCTUnwrap(card["body"] as? [[String: Any]])
        XCTAssertTrue(body.allSatisfy { $0["type"] as? String == "TextBlock" && $0["text"] is String })
        XCTAssertEqual(body.first?["text"] as? String, text)

        let rows = try await rig.rows().filter { $0.orderKey == "alerts:mismatches" }
        XCTAssertEqual(Set(rows.map(\.eventID)), ["mismatches#1#fired#slack", "mismatches#1#fired#teams"])
        XCTAssertTrue(
            rows.allSatisfy { $0.httpStatus == 200 && $0.reason == "fired" && $0.orderKey == "alerts:mismatches" })
        XCTAssertFalse(rows.contains { ($0.detail ?? "").contains("secret-token") }, "the URL never reaches the ledger")
        await rig.stop()
    }

    func testFourMismatchesSendNothing() async throws {
        let sentinel = AlertRule(kind: .deadLetterGrowth, threshold: 0, window: .seconds(3600))
        let rig = try await start(rules: [.standard(.mismatches), sentinel])
        let now = Date()
        for i in 0..<4 { rig.engine.record(mismatch: .shipmentLag, at: now + Double(i)) }
        // Deliveries to one receiver go in order: once the sentinel arrived, a mismatch alert would have too.
        rig.engine.record(.deadLettered, at: now + 5)
        try await rig.waitForDeliveries(2)
        let texts = rig.slack.received.compactMap { $0.json?["text"] as? String }
        XCTAssertEqual(texts.count, 1, "\(texts)")
        XCTAssertTrue(texts.allSatisfy { $0.contains("dead-letter-growth") }, "\(texts)")
        XCTAssertEqual(rig.teams.received.count, 1)
        XCTAssertFalse(rig.engine.isFiring(.mismatches))
        await rig.stop()
    }

    func testOneIncidentIsOneAlertPlusOneResolvedAndCoolDownHoldsBackTheNext() async throws {
        let rig = try await start(rules: [.standard(.mismatches)], cooldown: .seconds(2 * 3600))
        let t0 = Date()
        for i in 0..<12 { rig.engine.record(mismatch: .checkoutDisconnect, at: t0 + Double(i)) }
        rig.engine.tick(now: t0 + 3601 + 12)  // the window rolled past all of them: resolved
        try await rig.waitForDeliveries(4)
        // A new burst inside the cool-down: nothing; after it: the next incident.
        for i in 0..<6 { rig.engine.record(mismatch: .checkoutDisconnect, at: t0 + 4000 + Double(i)) }
        for i in 0..<6 { rig.engine.record(mismatch: .checkoutDisconnect, at: t0 + 7300 + Double(i)) }
        try await rig.waitForDeliveries(6)
        let texts = rig.slack.received.compactMap { $0.json?["text"] as? String }
        XCTAssertEqual(texts.count, 3, "\(texts)")
        XCTAssertTrue(texts[0].hasPrefix("[HIGH]"), texts[0])
        XCTAssertTrue(texts[1].hasPrefix("[RESOLVED]"), texts[1])
        XCTAssertTrue(texts[2].hasPrefix("[HIGH]"), texts[2])
        XCTAssertEqual(rig.teams.received.count, 3)
        let ids = Set(try await rig.rows().map(\.eventID))
        XCTAssertEqual(
            ids,
            [
                "mismatches#1#fired#slack", "mismatches#1#resolved#slack", "mismatches#2#fired#slack",
                "mismatches#1#fired#teams", "mismatches#1#resolved#teams", "mismatches#2#fired#teams",
            ])
        await rig.stop()
    }

    func testA429WithRetryAfterIsDeliveredLaterOnce() async throws {
        let rig = try await start(slackScript: [.init(status: 429, retryAfter: "1")])
        let now = Date()
        for i in 0..<6 { rig.engine.record(mismatch: .silentCancellation, at: now + Double(i)) }
        try await rig.waitForDeliveries(2)
        let slack = rig.slack.received
        XCTAssertEqual(slack.map(\.status), [429, 200], "refused once, then delivered once")
        if slack.count == 2 {
            XCTAssertGreaterThanOrEqual(slack[1].at - slack[0].at, .milliseconds(950), "waited for Retry-After")
            XCTAssertEqual(slack[0].body, slack[1].body, "the same alert")
        }
        XCTAssertEqual(rig.teams.received.count, 1, "Teams is not held back by Slack's Retry-After")
        let row = try await rig.rows().first { $0.eventID.hasSuffix("#slack") }
        XCTAssertEqual(row?.httpStatus, 200)
        XCTAssertTrue(row?.detail?.contains("after 2 attempt(s)") ?? false, "\(String(describing: row?.detail))")
        await rig.stop()
    }
}
