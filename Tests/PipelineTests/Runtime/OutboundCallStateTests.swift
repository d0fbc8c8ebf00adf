import Foundation
import Simulators
import Synchronization
import XCTest

@testable import Pipeline

/// The outbound-HTTP call policy's decisions (``OutboundCallState``), without I/O: `Retry-After`
/// clamped once, jitter within its bounds for a seeded generator, a credential refreshed exactly
/// once, give-up after the attempts and at the deadline.
final class OutboundCallStateTests: XCTestCase {
    typealias State = OutboundCallState
    let start = ContinuousClock.now

    func policy(
        maxAttempts: Int? = nil, deadline: Duration? = nil, waits: ClosedRange<Duration> = .zero...(.seconds(60)),
        backoff: OutboundBackoff = OutboundBackoff(initial: .milliseconds(100), maximum: .seconds(5))
    ) -> OutboundCallPolicy {
        OutboundCallPolicy(
            attemptTimeout: .seconds(1), deadline: deadline, maxAttempts: maxAttempts, backoff: backoff, waits: waits)
    }

    func testARetryAfterIsClampedOnceIntoTheWaits() {
        var random = SeededRandom(seed: 1)
        let now = Date()
        let hostile = ["1e17", "nan", "-5", "Fri, 31 Dec 9999 23:59:59 GMT", "inf", "1e400", "-1e300", "3"]
        for text in hostile {
            var state = State(policy: policy(waits: .milliseconds(10)...(.seconds(120))), started: start)
            let seconds = RetryAfter.seconds(text, now: now)
            let action = state.next(after: .failed(.init(retryAfter: seconds)), now: start, random: &random)
            guard case .retry(let wait, let throttled) = action else { return XCTFail("\(text): \(action)") }
            XCTAssertTrue(wait >= .milliseconds(10) && wait <= .seconds(120), "\(text) → \(wait)")
            XCTAssertEqual(throttled, seconds != nil, "a usable Retry-After is the server's wait: \(text)")
        }
        var state = State(policy: policy(waits: .milliseconds(10)...(.seconds(120))), started: start)
        XCTAssertEqual(
            state.next(after: .failed(.init(retryAfter: 1e17)), now: start, random: &random),
            .retry(after: .seconds(120), throttled: true))
        XCTAssertEqual(
            state.next(after: .failed(.init(retryAfter: -5)), now: start, random: &random),
            .retry(after: .milliseconds(10), throttled: true))
        XCTAssertEqual(
            state.next(after: .failed(.init(retryAfter: 3)), now: start, random: &random),
            .retry(after: .seconds(3), throttled: true))
        XCTAssertEqual(state.stats.throttled, 3)
        XCTAssertEqual(state.stats.waited, .seconds(123) + .milliseconds(10))
    }

    func testARetryAfterBeyondTheInPlaceLimitGivesUpAndAShorterOneIsAtLeastTheBackoff() {
        var random = SeededRandom(seed: 2)
        let dispatch = OutboundCallPolicy(
            attemptTimeout: nil, maxAttempts: 3,
            backoff: OutboundBackoff(initial: .milliseconds(50), maximum: .seconds(5), jitter: .full),
            waits: .zero...(.seconds(60)), longRetryAfter: .giveUp(beyond: .seconds(60)),
            retryAfterUse: .atLeastBackoff)
        var state = State(policy: dispatch, started: start)
        XCTAssertEqual(
            state.next(after: .failed(.init(retryAfter: 2)), now: start, random: &random),
            .retry(after: .seconds(2), throttled: true), "never before Retry-After; the back-off is at most 50 ms")
        XCTAssertEqual(
            state.next(after: .failed(.init(retryAfter: 61)), now: start, random: &random), .giveUp(.retryAfterTooLong))
    }

    func testJitterStaysWithinItsBoundsAndASeedRepeatsIt() {
        let full = OutboundBackoff(initial: .milliseconds(50), maximum: .seconds(5), jitter: .full)
        let equal = OutboundBackoff(initial: .milliseconds(500), maximum: .seconds(10), jitter: .equal)
        var random = SeededRandom(seed: 42)
        var fullWaits: [Double] = []
        for round in 0..<50 {
            for step in 1...10 {
                let ceiling = full.ceiling(step: step)
                XCTAssertEqual(ceiling, min(0.05 * pow(2, Double(step - 1)), 5), accuracy: 1e-9)
                let wait = full.seconds(step: step, random: &random)
                XCTAssertTrue(wait >= 0 && wait <= ceiling, "full, step \(step): \(wait) of \(ceiling)")
                if round == 0 { fullWaits.append(wait) }
                let spread = equal.seconds(step: step, random: &random)
                let top = equal.ceiling(step: step)
                XCTAssertTrue(spread >= top / 2 && spread <= top, "equal, step \(step): \(spread) of \(top)")
            }
        }
        var again = SeededRandom(seed: 42)
        var repeated: [Double] = []
        for step in 1...10 {
            repeated.append(full.seconds(step: step, random: &again))
            _ = equal.seconds(step: step, random: &again)
        }
        XCTAssertEqual(repeated, fullWaits, "the same seed gives the same waits")
        XCTAssertGreaterThan(Set(fullWaits).count, 5, "the waits are spread, not one value")
        var constant = SeededRandom(seed: 7)
        XCTAssertEqual(
            OutboundBackoff(initial: 0.2, maximum: 5).seconds(step: 3, random: &constant), 0.8, accuracy: 1e-9)
        XCTAssertEqual(OutboundBackoff(initial: 1e300, maximum: 1e308).ceiling(step: 64), 1e308)
    }

    func testACredentialIsRefreshedExactlyOnceThenASecondRefusalGivesUp() {
        var random = SeededRandom(seed: 3)
        var state = State(policy: policy(maxAttempts: 5), started: start)
        XCTAssertEqual(state.next(after: .credentialRefused, now: start, random: &random), .refreshThenRetry)
        XCTAssertEqual(
            state.next(after: .failed(.init()), now: start, random: &random),
            .retry(after: .milliseconds(100), throttled: false))
        XCTAssertEqual(state.next(after: .credentialRefused, now: start, random: &random), .giveUp(.credentialRefused))
        XCTAssertEqual(state.stats.refreshed, 1)
        XCTAssertEqual(state.stats.attempts, 3)
        var none = State(
            policy: OutboundCallPolicy(
                attemptTimeout: nil, backoff: .constant(.zero), waits: .zero...(.zero), refreshesCredentialOnce: false),
            started: start)
        XCTAssertEqual(none.next(after: .credentialRefused, now: start, random: &random), .giveUp(.credentialRefused))
        XCTAssertEqual(none.stats.refreshed, 0)
    }

    func testTheCallGivesUpAfterMaxAttemptsAndUncountedFailuresSpendNone() {
        var random = SeededRandom(seed: 4)
        var state = State(policy: policy(maxAttempts: 3), started: start)
        XCTAssertEqual(
            state.next(after: .failed(.init()), now: start, random: &random),
            .retry(after: .milliseconds(100), throttled: false))
        XCTAssertEqual(
            state.next(after: .failed(.init(counts: false)), now: start, random: &random),
            .retry(after: .milliseconds(100), throttled: false), "uncounted: the same step again")
        XCTAssertEqual(state.next(after: .resend, now: start, random: &random), .retry(after: .zero, throttled: false))
        XCTAssertEqual(
            state.next(after: .failed(.init()), now: start, random: &random),
            .retry(after: .milliseconds(200), throttled: false))
        XCTAssertEqual(state.next(after: .failed(.init()), now: start, random: &random), .giveUp(.attemptsExhausted))
        XCTAssertEqual(state.counted, 3)
        XCTAssertEqual(state.stats.attempts, 5)
        XCTAssertEqual(state.stats.retries, 4)

        // Throttles that do not count as attempts have their own limit and their own schedule.
        var throttles = State(
            policy: OutboundCallPolicy(
                attemptTimeout: nil, maxAttempts: 2, maxThrottledWaits: 2, throttlesCountAsAttempts: false,
                backoff: OutboundBackoff(initial: .milliseconds(500), maximum: .seconds(2)),
                throttleBackoff: .constant(.seconds(1)), waits: .zero...(.seconds(60))),
            started: start)
        XCTAssertEqual(
            throttles.next(after: .failed(.init(throttled: true)), now: start, random: &random),
            .retry(after: .seconds(1), throttled: true))
        XCTAssertEqual(
            throttles.next(after: .failed(.init()), now: start, random: &random),
            .retry(after: .milliseconds(500), throttled: false))
        XCTAssertEqual(
            throttles.next(after: .failed(.init(throttled: true)), now: start, random: &random),
            .retry(after: .seconds(1), throttled: true))
        XCTAssertEqual(
            throttles.next(after: .failed(.init(throttled: true)), now: start, random: &random),
            .giveUp(.throttledTooLong))
        XCTAssertEqual(throttles.counted, 1)
        XCTAssertEqual(state.next(after: .refused, now: start, random: &random), .giveUp(.refused))
    }

    func testNoWaitEndsPastTheDeadline() {
        var random = SeededRandom(seed: 5)
        var state = State(policy: policy(deadline: .seconds(1)), started: start)
        XCTAssertEqual(
            state.next(after: .failed(.init()), now: start, random: &random),
            .retry(after: .milliseconds(100), throttled: false))
        XCTAssertEqual(
            state.next(after: .failed(.init()), now: start + .milliseconds(850), random: &random),
            .giveUp(.deadlineExceeded), "200 ms from 850 ms ends past 1 s")
        var late = State(policy: policy(deadline: .seconds(1)), started: start)
        XCTAssertEqual(
            late.next(after: .credentialRefused, now: start + .seconds(1), random: &random), .giveUp(.deadlineExceeded))
        XCTAssertEqual(
            late.next(after: .success, now: start + .seconds(5), random: &random), .done,
            "an answer is taken whenever it comes")
    }

    func testTheExecutorRefreshesOnceAndWaitsWhatTheStateDecides() async throws {
        var call = OutboundCall<Int>(policy: policy(maxAttempts: 4))
        let waits = WaitLog()
        call.sleep = { waits.append($0) }
        call.isStopping = { false }
        var refreshes = 0
        // 401, 503, 401 again: refreshed once, then the second refusal stands.
        let script = [401, 503, 401, 200]
        let ending = try await call.run(
            random: SeededRandom(seed: 6),
            attempt: { script[$0 - 1] },
            classify: { status in
                switch status {
                case 200: .success
                case 401: .credentialRefused
                default: .failed(.init())
                }
            },
            refresh: { _ in
                refreshes += 1
                return true
            })
        XCTAssertEqual(ending.gaveUp, .credentialRefused)
        XCTAssertEqual(ending.last, 401)
        XCTAssertEqual(refreshes, 1)
        XCTAssertEqual(waits.values, [.milliseconds(100)])
        XCTAssertEqual(
            ending.stats,
            OutboundCallStats(attempts: 3, retries: 2, throttled: 0, refreshed: 1, waited: .milliseconds(100)))
    }
}

/// Waits the executor asked for (instead of sleeping).
final class WaitLog: Sendable {
    private let waits = Mutex<[Duration]>([])

    func append(_ wait: Duration) { waits.withLock { $0.append(wait) } }
    var values: [Duration] { waits.withLock { $0 } }
}
