import Foundation
import Pipeline
import XCTest

/// The alert rules as a pure state machine: rolling windows, cool-down, fired/resolved.
final class AlertEvaluatorTests: XCTestCase {
    private let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    private func minutes(_ m: Double) -> Date { t0.addingTimeInterval(m * 60) }

    private func evaluator(cooldown: Duration = .seconds(3600), rules: [AlertRule] = [.standard(.mismatches)])
        -> AlertEvaluator
    {
        AlertEvaluator(rules: rules, cooldown: cooldown, started: t0)
    }

    private func notices(_ actions: [AlertAction]) -> [AlertNotice] {
        actions.compactMap { if case .deliver(let notice) = $0 { notice } else { nil } }
    }

    func testSixMismatchesWithinAnHourFireOnceAsHighPriority() {
        var machine = evaluator()
        var fired: [AlertNotice] = []
        for i in 0..<6 { fired += notices(machine.record(.mismatch(pattern: "p4"), at: minutes(Double(i) * 10))) }
        XCTAssertEqual(fired.count, 1)
        XCTAssertEqual(fired.first?.transition, .fired)
        XCTAssertEqual(fired.first?.severity, .high)
        XCTAssertEqual(fired.first?.incident, 1)
        XCTAssertEqual(fired.first?.at, minutes(50), "fires on the sixth")
        XCTAssertTrue(fired.first?.summary.contains("6 order status mismatches") ?? false, "\(fired)")
        // More mismatches in the same incident add nothing.
        for i in 0..<10 {
            XCTAssertEqual(notices(machine.record(.mismatch(pattern: "p5"), at: minutes(51 + Double(i)))), [])
        }
        XCTAssertTrue(machine.isFiring(.mismatches))
    }

    func testFourOrFiveMismatchesNeverFire() {
        var machine = evaluator()
        var all: [AlertNotice] = []
        for i in 0..<5 { all += notices(machine.record(.mismatch(pattern: "p1"), at: minutes(Double(i)))) }
        all += notices(machine.evaluate(now: minutes(30)))
        XCTAssertEqual(all, [], "five is not more than five")
        XCTAssertFalse(machine.isFiring(.mismatches))
    }

    func testSixSpreadOverMoreThanAnHourDoNotFire() {
        var machine = evaluator()
        var all: [AlertNotice] = []
        // One every 13 minutes: at most five fall in any 60-minute window.
        for i in 0..<12 { all += notices(machine.record(.mismatch(pattern: "p2"), at: minutes(Double(i) * 13))) }
        XCTAssertEqual(all, [])
        XCTAssertEqual(machine.count(.mismatches, now: minutes(143)), 5)
    }

    func testResolvesWhenTheWindowRollsPastAndCoolDownHoldsBackANewIncident() {
        var machine = evaluator(cooldown: .seconds(2 * 3600))
        var log: [AlertNotice] = []
        for i in 0..<6 { log += notices(machine.record(.mismatch(pattern: "p4"), at: minutes(Double(i)))) }
        XCTAssertEqual(log.map(\.transition), [.fired])
        // Window rolls: at 60:30 only the mismatches after minute 0:30 are left (five).
        log += notices(machine.evaluate(now: minutes(59)))
        XCTAssertEqual(log.map(\.transition), [.fired], "still six within the hour at 59 min")
        log += notices(machine.evaluate(now: minutes(60.5)))
        XCTAssertEqual(log.map(\.transition), [.fired, .resolved])
        XCTAssertEqual(log.last?.incident, 1, "resolved names the incident it ends")
        // A new burst within the cool-down (2 h after the first alert at minute 5): no alert.
        for i in 0..<6 { log += notices(machine.record(.mismatch(pattern: "p4"), at: minutes(70 + Double(i)))) }
        XCTAssertEqual(log.count, 2)
        XCTAssertFalse(machine.isFiring(.mismatches))
        // Once the cool-down ends and the condition still holds, the new incident fires.
        for i in 0..<6 { log += notices(machine.record(.mismatch(pattern: "p4"), at: minutes(124 + Double(i) * 0.1))) }
        XCTAssertEqual(log.map(\.transition), [.fired, .resolved])
        log += notices(machine.record(.mismatch(pattern: "p4"), at: minutes(126)))
        XCTAssertEqual(log.map(\.transition), [.fired, .resolved, .fired])
        XCTAssertEqual(log.last?.incident, 2)
    }

    func testASingleRetriedWebhookIsOnlyLogged() {
        var machine = evaluator(rules: AlertRule.defaults)
        let actions = machine.record(.retried("shopify webhook 123 answered 503, retried"), at: minutes(1))
        XCTAssertEqual(notices(actions), [])
        XCTAssertEqual(actions.count, 1)
        guard case .log(let line)? = actions.first else { return XCTFail("\(actions)") }
        XCTAssertTrue(line.contains("webhook 123"))
    }

    func testLateSignalCountsInItsPlace() {
        var machine = evaluator()
        for i in 0..<5 { _ = machine.record(.mismatch(pattern: "p1"), at: minutes(100 + Double(i))) }
        // A mismatch seen late but dated two hours ago is outside the window.
        XCTAssertEqual(notices(machine.record(.mismatch(pattern: "p1"), at: minutes(-20))), [])
        XCTAssertEqual(notices(machine.evaluate(now: minutes(105))), [])
        XCTAssertEqual(machine.count(.mismatches, now: minutes(105)), 5)
    }

    func testBreakerOpenFiresAfterItsSustainAndResolvesWhenClosed() {
        var machine = evaluator(rules: [AlertRule(kind: .breakerOpen, sustain: .seconds(60), severity: .high)])
        XCTAssertEqual(notices(machine.record(.breaker(destination: "erp", state: "open"), at: minutes(0))), [])
        XCTAssertEqual(notices(machine.record(.breaker(destination: "erp", state: "probing"), at: minutes(0.5))), [])
        let fired = notices(machine.evaluate(now: minutes(1)))
        XCTAssertEqual(fired.map(\.transition), [.fired])
        XCTAssertTrue(fired.first?.summary.contains("erp") ?? false)
        let resolved = notices(machine.record(.breaker(destination: "erp", state: "closed"), at: minutes(2)))
        XCTAssertEqual(resolved.map(\.transition), [.resolved])
        // A short open that closes before the sustain never alerts.
        var brief = evaluator(rules: [AlertRule(kind: .breakerOpen, sustain: .seconds(60))])
        _ = brief.record(.breaker(destination: "erp", state: "open"), at: minutes(0))
        _ = brief.record(.breaker(destination: "erp", state: "closed"), at: minutes(0.5))
        XCTAssertEqual(notices(brief.evaluate(now: minutes(5))), [])
    }

    func testLagAboveTheBoundForNMinutes() {
        var machine = evaluator(rules: [AlertRule(kind: .consumerLag, threshold: 1000, sustain: .seconds(600))])
        XCTAssertEqual(notices(machine.record(.lag(5000), at: minutes(0))), [])
        XCTAssertEqual(notices(machine.record(.lag(800), at: minutes(5))), [], "dipped below: the clock restarts")
        XCTAssertEqual(notices(machine.record(.lag(2000), at: minutes(6))), [])
        XCTAssertEqual(notices(machine.record(.lag(3000), at: minutes(15))), [], "9 minutes above")
        XCTAssertEqual(notices(machine.record(.lag(3000), at: minutes(16))).map(\.transition), [.fired])
        XCTAssertEqual(notices(machine.record(.lag(10), at: minutes(17))).map(\.transition), [.resolved])
    }

    func testReconciliationNotRunIn26Hours() {
        var machine = evaluator(rules: [.standard(.reconciliationOverdue)])
        XCTAssertEqual(notices(machine.evaluate(now: minutes(25 * 60))), [])
        XCTAssertEqual(notices(machine.record(.reconciled, at: minutes(25 * 60))), [])
        XCTAssertEqual(notices(machine.evaluate(now: minutes(50 * 60))), [], "25 h after the run")
        XCTAssertEqual(notices(machine.evaluate(now: minutes(51.5 * 60))).map(\.transition), [.fired])
        XCTAssertEqual(notices(machine.record(.reconciled, at: minutes(52 * 60))).map(\.transition), [.resolved])
    }

    func testDeadLetterGrowthAndQuarantineRate() {
        var machine = evaluator(rules: [
            AlertRule(kind: .deadLetterGrowth, threshold: 2, window: .seconds(600)),
            AlertRule(kind: .quarantineRate, threshold: 3, window: .seconds(60)),
        ])
        var log: [AlertNotice] = []
        for i in 0..<3 { log += notices(machine.record(.deadLettered, at: minutes(Double(i)))) }
        for i in 0..<4 { log += notices(machine.record(.quarantined, at: minutes(3 + Double(i) * 0.1))) }
        XCTAssertEqual(log.map(\.rule), [.deadLetterGrowth, .quarantineRate])
        log += notices(machine.evaluate(now: minutes(20)))
        XCTAssertEqual(Set(log.suffix(2).map(\.transition)), [.resolved])
    }

    func testABurstCountsAtOnceWithBoundedMemory() {
        var machine = evaluator(rules: [AlertRule(kind: .quarantineRate, threshold: 50, window: .seconds(900))])
        XCTAssertEqual(notices(machine.record(.quarantined, times: 50, at: minutes(0))), [])
        XCTAssertFalse(machine.isFiring(.quarantineRate))
        let fired = notices(machine.record(.quarantined, times: 1_000_000, at: minutes(1)))
        XCTAssertEqual(fired.map(\.transition), [.fired])
        // Only threshold + 1 times are kept: enough to decide, whatever the rate.
        XCTAssertEqual(machine.count(.quarantineRate, now: minutes(1)), 51)
        XCTAssertEqual(notices(machine.evaluate(now: minutes(16.5))).map(\.transition), [.resolved])
    }
}
