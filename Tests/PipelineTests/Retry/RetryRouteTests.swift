import Foundation
import Kafka
import OrderModel
import XCTest

@testable import Pipeline

/// The retry ladder as a pure decision: tiers climbed per failed round, `Retry-After` as the due
/// time capped by the tier without climbing, a bounded number of rounds, permanent failures to the
/// dead-letter topic, and an envelope that is replaced, never appended to.
final class RetryRouteTests: XCTestCase {
    let tiers = ["10s", "1m", "10m"].compactMap(RetryTier.init)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func canonical(offset: Int64 = 42, headers: [KafkaHeader] = [KafkaHeader(key: "dl-event-id", string: "e1")])
        -> KafkaMessage
    {
        KafkaMessage(
            topic: "driftless.canonical", partition: 2, offset: offset, key: Array("shopify:1".utf8),
            value: Array("{}".utf8), headers: headers)
    }

    func exhausted(status: Int? = 503, retryAfter: Duration? = nil) -> DispatchResult {
        .exhausted(
            effect: "shopify:1#payment#ch_1", attempts: 3, lastStatus: status, retryAfter: retryAfter,
            detail: String(repeating: "x", count: 500), applied: [])
    }

    /// Follows `result` from `message` through the route's record, as the retry stage would read it.
    func hop(_ message: KafkaMessage, _ result: DispatchResult, at time: Date) -> (RetryRoute?, KafkaMessage) {
        let route = RetryRoute.next(after: result, message: message, tiers: tiers, now: time)
        guard let route else { return (nil, message) }
        let output = DispatchRecords.routed(
            message, orderKey: "shopify:1", eventID: "e1", route, topics: PipelineTopics(), stage: .retry,
            replica: "r")
        let next = KafkaMessage(
            topic: output.record.topic, partition: 0, offset: 7, key: output.record.key, value: output.record.value,
            headers: output.record.headers)
        return (route, next)
    }

    func testTiersAreParsedFromTheirNames() {
        XCTAssertEqual(RetryTier("10s")?.delay, .seconds(10))
        XCTAssertEqual(RetryTier("250ms")?.delay, .milliseconds(250))
        XCTAssertEqual(RetryTier("1h")?.delay, .seconds(3600))
        XCTAssertEqual(RetryTier.defaults.map(\.name), ["10s", "1m", "10m", "1h"])
        for bad in ["", "10", "s", "-1s", "0s", "1.5s", "10x", "9999h", "1 s"] {
            XCTAssertNil(RetryTier(bad), bad)
        }
    }

    func testATransientFailureClimbsOneTierPerRoundThenDeadLetters() throws {
        var message = canonical()
        var time = now
        var sizes: [Int] = []
        for (round, tier) in tiers.enumerated() {
            let (route, next) = hop(message, exhausted(), at: time)
            guard case .retry(let chosen, let envelope) = route else {
                return XCTFail("round \(round): \(String(describing: route))")
            }
            XCTAssertEqual(chosen, tier)
            XCTAssertEqual(envelope.attempts, round + 1)
            XCTAssertEqual(envelope.due, time.addingTimeInterval(tier.delay.seconds))
            XCTAssertEqual(envelope.firstFailure, now, "the first failure is kept")
            XCTAssertEqual(envelope.originalTopic, "driftless.canonical", "the first origin is kept")
            XCTAssertEqual(envelope.originalOffset, 42)
            XCTAssertEqual(envelope.lastError.count, 200, "the error is bounded")
            XCTAssertEqual(next.topic, "driftless.retry.\(tier.name)")
            XCTAssertEqual(next.headers.filter { $0.key == EnvelopeHeader.attempts }.count, 1, "replaced, not appended")
            XCTAssertEqual(next.header("dl-event-id")?.stringValue, "e1", "the envelope travels")
            sizes.append(next.headers.reduce(0) { $0 + $1.key.count + ($1.value?.count ?? 0) })
            message = next
            time = time.addingTimeInterval(100)
        }
        XCTAssertLessThanOrEqual(
            (sizes.max() ?? 0) - (sizes.min() ?? 0), 8, "the envelope does not grow per hop: \(sizes)")
        let (route, last) = hop(message, exhausted(), at: time)
        guard case .deadLetter(let envelope, let reason) = route else { return XCTFail("\(String(describing: route))") }
        XCTAssertEqual(reason.code, "erp-unavailable")
        XCTAssertEqual(envelope.attempts, tiers.count + 1)
        XCTAssertEqual(last.topic, "driftless.dead-letter")
        XCTAssertEqual(last.header(EnvelopeHeader.stage)?.stringValue, "dispatch")
        XCTAssertEqual(last.header(EnvelopeHeader.tier)?.stringValue, "10m", "the last tier it was on")
        XCTAssertNil(last.header(EnvelopeHeader.due))
        let size = last.headers.reduce(0) { $0 + $1.key.count + ($1.value?.count ?? 0) }
        XCTAssertLessThan(size, 1_024, "bounded: reason ≤ 512, error ≤ 200 characters")
    }

    func testRetryAfterSetsTheDueTimeCappedByTheTierWithoutClimbing() throws {
        let (first, onTier) = hop(canonical(), exhausted(status: 429, retryAfter: .seconds(3)), at: now)
        guard case .retry(let tier, let envelope) = first else { return XCTFail() }
        XCTAssertEqual(tier.name, "10s")
        XCTAssertEqual(envelope.due, now.addingTimeInterval(3), "Retry-After sets the due time")
        let (capped, _) = hop(onTier, exhausted(status: 429, retryAfter: .seconds(3600)), at: now)
        guard case .retry(let same, let cappedEnvelope) = capped else { return XCTFail() }
        XCTAssertEqual(same.name, "10s", "being throttled does not climb")
        XCTAssertEqual(cappedEnvelope.due, now.addingTimeInterval(10), "capped by the tier's delay")
        XCTAssertEqual(cappedEnvelope.attempts, 2)
        // Throttled for ever still ends: once the tiers' total delay has passed since the first failure
        // (not after a number of rounds: being throttled does not use up the ladder).
        var message = onTier
        var rounds = 1
        var time = now
        while case (.retry?, let next) = hop(message, exhausted(status: 429, retryAfter: .seconds(1)), at: time) {
            message = next
            rounds += 1
            time += 10
            XCTAssertLessThan(rounds, 1_000)
        }
        let protection = RetryRoute.protection(tiers).seconds
        XCTAssertGreaterThan(time.timeIntervalSince(now), protection)
        XCTAssertLessThanOrEqual(time.timeIntervalSince(now), protection + 10)
        XCTAssertGreaterThan(rounds, tiers.count * 4, "more rounds than a round limit would allow")
    }

    func testAPermanentFailureGoesStraightToTheDeadLetterTopic() throws {
        let refused = DispatchResult.permanent(
            effect: "shopify:1#payment#ch_1", status: 422, code: "USER_ERROR", detail: "Invalid field", applied: [])
        let (route, record) = hop(canonical(), refused, at: now)
        guard case .deadLetter(let envelope, let reason) = route else { return XCTFail() }
        XCTAssertEqual(reason.code, "erp-refused")
        XCTAssertEqual(envelope.lastStatus, 422)
        XCTAssertEqual(envelope.effectID, "shopify:1#payment#ch_1")
        XCTAssertNil(envelope.tier, "it never went to a tier")
        XCTAssertTrue(record.header(EnvelopeHeader.reason)?.stringValue?.hasPrefix("erp-refused: HTTP 422") == true)
        XCTAssertNil(RetryRoute.next(after: .deferred, message: canonical(), tiers: tiers))
        XCTAssertNil(RetryRoute.next(after: .abandoned(applied: []), message: canonical(), tiers: tiers))
    }

    func testTierConfigurationErrorsNameTheSetting() throws {
        var policy = DispatchPolicy()
        policy.retryTiers = []
        XCTAssertThrowsError(try policy.validate())
        policy.retryTiers = ["1m", "1m"].compactMap(RetryTier.init)
        XCTAssertThrowsError(try policy.validate()) { error in
            XCTAssertTrue("\(error)".contains("dispatch.retryTiers"), "\(error)")
        }
    }
}
