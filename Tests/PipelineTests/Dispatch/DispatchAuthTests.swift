import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// The dispatch stage end to end (mock cluster → dispatch → ERP simulator) in NetSuite OAuth 2.0
/// and TBA mode: tokens that expire mid-run are replaced without a failed write, every effect lands
/// once; revoked or wrong credentials pause the destination (one alarm, `/status` `paused`, nothing
/// acknowledged) until credentials pass again.
final class DispatchAuthTests: XCTestCase {
    /// OAuth 2.0 tokens living 20 s (the client replaces one half its life before it expires — the 60 s
    /// margin is longer than the token lives — so every ~10 s, several times in the run):
    /// a token replaced ahead of expiry costs no refusal; tokens the ERP drops early (clock skew, a
    /// restart) cost one 401 per request in flight, each repeated at once with a new token. No
    /// write needs a second attempt, the destination never pauses, every effect lands once, in order.
    func testOAuth2TokensExpiringMidRunAreReplacedWithoutAFailedWrite() async throws {
        // Each token is used for ~10 s: long enough for a write (an async request and polls of its job).
        let rig = try await DispatchRig.start(name: "dispatch-oauth2", partitions: 3, auth: .oauth2, tokenLifetime: 20)
        let matrix = try MappingMatrix.default
        let first = CanonicalLifecycles.make(orders: 40, seed: 21, duplicateRatio: 0.1, matrix: matrix, prefix: "A")
        let second = CanonicalLifecycles.make(orders: 40, seed: 22, duplicateRatio: 0.1, matrix: matrix, prefix: "B")
        let third = CanonicalLifecycles.make(orders: 40, seed: 23, duplicateRatio: 0.1, matrix: matrix, prefix: "C")
        let expected = CanonicalLifecycles.expected(first + second + third)
        let stage = try rig.stage()
        let started = ContinuousClock.now
        let running = Task { await stage.run() }

        try await rig.publish(first)
        let firstDone = await waitMakingProgress(
            progress: { stage.counters.snapshot.consumed },
            until: {
                stage.counters.snapshot.consumed >= first.count
            })
        XCTAssertTrue(firstDone.isDone, "\(firstDone): consumed \(stage.counters.snapshot.consumed) of \(first.count)")
        // A token is used for at least half its life (10 s) before it is replaced: however long the
        // first batch took on a busy machine, at most one token per 10 s started (not "exactly one",
        // which only holds when the batch is fast).
        let grantedFirst = rig.erp.tokenCounts.granted
        let halfLives = Int((ContinuousClock.now - started) / .seconds(10))
        XCTAssertGreaterThanOrEqual(grantedFirst, 1)
        XCTAssertLessThanOrEqual(grantedFirst, 1 + halfLives, "no token replaced before half its life")
        // The client's token is within its refresh margin 10 s after it was granted: waiting 12.1 s
        // from now (after the grant) lets the token age; that is the scenario, not synchronisation.
        try await Task.sleep(for: .milliseconds(12_100))
        try await rig.publish(second)
        let secondDone = await waitMakingProgress(
            progress: { stage.counters.snapshot.consumed },
            until: {
                stage.counters.snapshot.consumed >= first.count + second.count
            })
        XCTAssertTrue(secondDone.isDone, "\(secondDone)")
        XCTAssertGreaterThan(rig.erp.tokenCounts.granted, grantedFirst, "replaced ahead of expiry")
        XCTAssertNil(rig.erp.statusCounts[401], "a token replaced ahead of expiry is never refused")

        // The ERP drops every token it issued while writes are in flight.
        let grantedBefore = rig.erp.tokenCounts.granted
        let writesBefore = await rig.erp.store.appliedWrites
        try await rig.publish(third)
        let writing = await eventually { await rig.erp.store.appliedWrites >= writesBefore + 20 }
        XCTAssertTrue(writing, "writes in flight before the tokens are dropped")
        rig.erp.expireAccessTokens()
        let total = first.count + second.count + third.count
        let done = await waitMakingProgress(
            progress: { stage.counters.snapshot.consumed },
            until: {
                stage.counters.snapshot.consumed >= total
            })
        XCTAssertTrue(done.isDone, "\(done): consumed \(stage.counters.snapshot.consumed) of \(total)")
        stage.stop()
        await running.value

        XCTAssertGreaterThan(rig.erp.tokenCounts.granted, grantedBefore, "a new token after the early expiry")
        XCTAssertEqual(rig.erp.tokenCounts.refused, 0)
        XCTAssertLessThanOrEqual(
            rig.erp.statusCounts[401] ?? 0, rig.erpConfiguration().maxConcurrentRequests,
            "at most the requests in flight met the dropped token")
        let gate = await stage.gate.snapshot
        XCTAssertEqual(gate.pauses, 0, "no refusal reached dispatch")
        XCTAssertEqual(gate.opens, 0)
        let counts = stage.counters.snapshot
        XCTAssertEqual(counts.quarantined + counts.refused + counts.exhausted, 0)
        let details = try await dispatchedDetails(rig)
        XCTAssertEqual(details.filter { $0.contains("attempts") }.count, 0, "no write needed a second attempt")
        let rows = try await rig.appliedEffectRows()
        XCTAssertEqual(Set(rows.keys), Set(expected.values.flatMap(\.effects).map(\.id)))
        XCTAssertEqual(rows.values.filter { $0 > 1 }.count, 0, "each effect dispatched once")
        await rig.assertERPMatches(expected)
        XCTAssertNil(rig.erp.acceptedRequests["bearer"], "no static token in OAuth 2.0 mode")
        XCTAssertGreaterThan(rig.erp.acceptedRequests["oauth2"] ?? 0, 0)
        print(
            "dispatch oauth2: \(total) events, \(rows.count) effects, \(rig.erp.tokenCounts.granted) tokens, "
                + "\(rig.erp.statusCounts[401] ?? 0) requests met the dropped token; 0 failed writes")
        await rig.finish()
    }

    /// Revoked OAuth 2.0 access mid-run: the refused token is replaced once, the token endpoint
    /// refuses the client, and dispatch pauses with one alarm naming the refusal (never the key);
    /// nothing more is acknowledged while paused; restored access resumes it and everything lands once.
    func testRevokedOAuth2AccessPausesDispatchUntilRestored() async throws {
        let rig = try await DispatchRig.start(name: "dispatch-oauth2-revoked", partitions: 3, auth: .oauth2)
        let matrix = try MappingMatrix.default
        let stream = CanonicalLifecycles.make(orders: 60, seed: 24, duplicateRatio: 0, matrix: matrix, prefix: "R")
        let expected = CanonicalLifecycles.expected(stream)
        rig.erp.faults.update { $0.latency = .milliseconds(5) }
        let logs = CapturedLogs()
        let health = HealthState()
        let stage = try rig.stage(health: health, logLevel: .info, logs: logs)
        let running = Task { await stage.run() }
        try await rig.publish(stream)
        let writing = await eventually { await rig.erp.store.appliedWrites >= 20 }
        XCTAssertTrue(writing, "writes landed before the access is revoked")
        rig.erp.revokeOAuth2Access()
        let paused = await eventually(timeout: .seconds(30)) { await stage.gate.snapshot.state.hasPrefix("paused") }
        XCTAssertTrue(paused)
        XCTAssertEqual(health.components["erp"]?.hasPrefix("paused"), true)
        let detail = await stage.gate.snapshot.pauseDetail ?? ""
        XCTAssertTrue(detail.contains("invalid_client"), detail)
        guard case .oauth2(let settings) = rig.testERP.authentication else { return XCTFail("not oauth2") }
        XCTAssertFalse(detail.contains("PRIVATE KEY") || detail.contains(settings.privateKey.value))
        let refused = await eventually(timeout: .seconds(30)) { rig.erp.tokenCounts.refused >= 1 }
        XCTAssertTrue(refused, "the token endpoint refused the client")
        let consumedWhilePaused = stage.counters.snapshot.consumed
        XCTAssertLessThan(consumedWhilePaused, stream.count)
        let probes = await eventually(timeout: .seconds(30)) { rig.erp.tokenCounts.refused >= 3 }  // two more probes
        XCTAssertTrue(probes, "the paused destination keeps probing")
        XCTAssertEqual(stage.counters.snapshot.consumed, consumedWhilePaused, "nothing acknowledged while paused")
        XCTAssertEqual(stage.counters.snapshot.quarantined, 0, "no message spent")
        let alarms = logs.messages(atLeast: .critical).filter { $0.contains("ALARM") }
        XCTAssertEqual(alarms.count, 1, "one alarm: \(alarms)")

        rig.erp.revokeOAuth2Access(false)
        let done = await eventually(timeout: .seconds(60)) { stage.counters.snapshot.consumed >= stream.count }
        XCTAssertTrue(done, "consumed \(stage.counters.snapshot.consumed) of \(stream.count)")
        stage.stop()
        await running.value
        XCTAssertTrue(logs.messages(atLeast: .notice).contains { $0.contains("destination resumed") })
        let gate = await stage.gate.snapshot
        XCTAssertEqual(gate.state, "closed")
        XCTAssertEqual(gate.pauses, 1)
        let rows = try await rig.appliedEffectRows()
        XCTAssertEqual(rows.values.filter { $0 > 1 }.count, 0, "each effect dispatched once")
        await rig.assertERPMatches(expected)
        await rig.finish()
    }

    /// TBA: every request signed (HMAC-SHA256, fresh nonce) and verified by the ERP simulator —
    /// the writes with JSON bodies and the related-record lists with query parameters — through
    /// 10 % 503s; every effect once, in order. A wrong token secret first: the destination pauses
    /// at once, nothing is acknowledged, and a replica with the right secret gets every event.
    func testTBASignedDispatchLandsEveryEffectOnceAndAWrongSecretPauses() async throws {
        let rig = try await DispatchRig.start(name: "dispatch-tba", partitions: 3, auth: .tba)
        let matrix = try MappingMatrix.default
        let stream = CanonicalLifecycles.make(orders: 80, seed: 25, duplicateRatio: 0.1, matrix: matrix, prefix: "T")
        let expected = CanonicalLifecycles.expected(stream)
        // Half now, half once it is dispatched: the second half's orders are in the ERP already, so
        // their views are read with the related-record lists (whatever the batch sizes are).
        let firstHalf = Array(stream.prefix(stream.count / 2))
        try await rig.publish(firstHalf)

        let health = HealthState()
        let wrong = try rig.stage(
            replica: "dispatch-wrong", health: health, authentication: rig.testERP.wrongAuthentication)
        let runWrong = Task { await wrong.run() }
        let paused = await eventually(timeout: .seconds(30)) { await wrong.gate.snapshot.state.hasPrefix("paused") }
        XCTAssertTrue(paused)
        let detail = await wrong.gate.snapshot.pauseDetail ?? ""
        XCTAssertTrue(detail.contains("HTTP 401"), detail)
        XCTAssertFalse(detail.contains("not-the-token-secret"))
        XCTAssertEqual(health.components["erp"]?.hasPrefix("paused"), true)
        XCTAssertEqual(wrong.counters.snapshot.consumed, 0, "nothing acknowledged")
        XCTAssertNil(rig.erp.acceptedRequests["tba"], "no request with the wrong secret passed")
        wrong.stop()
        await runWrong.value

        rig.erp.faults.update { $0.unavailableRatio = 0.1 }
        // Every batch reads its orders' views again: the related-record lists (`?q=createdFrom EQUAL …&limit=`).
        var policy = DispatchRig.fastPolicy
        policy.viewTTL = .zero
        let stage = try rig.stage(replica: "dispatch-right", policy: policy)
        let running = Task { await stage.run() }
        let halfDone = await eventually(timeout: .seconds(120)) {
            stage.counters.snapshot.consumed >= firstHalf.count
        }
        XCTAssertTrue(halfDone, "consumed \(stage.counters.snapshot.consumed) of \(firstHalf.count)")
        try await rig.publish(Array(stream.dropFirst(firstHalf.count)))
        let done = await eventually(timeout: .seconds(120)) { stage.counters.snapshot.consumed >= stream.count }
        XCTAssertTrue(done, "consumed \(stage.counters.snapshot.consumed) of \(stream.count)")
        stage.stop()
        await running.value
        XCTAssertEqual(stage.counters.snapshot.quarantined, 0)
        await rig.assertERPMatches(expected)
        let rows = try await rig.appliedEffectRows()
        XCTAssertEqual(Set(rows.keys), Set(expected.values.flatMap(\.effects).map(\.id)))
        XCTAssertEqual(rows.values.filter { $0 > 1 }.count, 0, "each effect dispatched once")
        let accepted = rig.erp.acceptedRequests
        XCTAssertGreaterThan(accepted["tba+body"] ?? 0, 0, "signed writes with a JSON body verified")
        XCTAssertGreaterThan(accepted["tba+query"] ?? 0, 0, "signed lists with query parameters verified")
        XCTAssertNil(accepted["bearer"])
        XCTAssertNil(accepted["oauth2"])
        XCTAssertGreaterThan(rig.erp.statusCounts[503] ?? 0, 0, "retried writes are signed anew")
        print(
            "dispatch tba: \(stream.count) events, \(rows.count) effects, "
                + "ERP accepted \(accepted.sorted { $0.key < $1.key })"
        )
        await rig.finish()
    }

    /// The `dispatched` audit rows' details.
    private func dispatchedDetails(_ rig: DispatchRig) async throws -> [String] {
        try await rig.rig.writer.flush()
        let rows = try await rig.rig.ledger.search(AuditQuery(stage: "dispatch", limit: 1_000_000))
        return rows.filter { $0.hop == .dispatched }.compactMap(\.detail)
    }
}
