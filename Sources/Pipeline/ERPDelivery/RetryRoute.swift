import Foundation
import Kafka

/// Where an event whose dispatch failed goes next: the pure decision of the retry ladder.
///
/// A transient failure (``DispatchResult/exhausted(effect:attempts:lastStatus:retryAfter:detail:applied:)``)
/// climbs one tier per failed round: the first failure goes to tier 0, a failure on tier *n* to
/// tier *n*+1, and a failure on the last tier to the dead-letter topic. The record is due the
/// tier's delay after the failure. An answer with `Retry-After` (the ERP throttling, or saying
/// when it is back) sets the due time instead, capped by the tier's delay, and does not climb:
/// being told to wait is not the record failing, and it does not use up the ladder: however many
/// throttled rounds it takes, a record is protected for as long as the ladder promises — the sum of
/// the tiers' delays since its first failure (`dl-first-failure`). So that a destination throttling
/// for ever still ends, a record throttled past that time goes to the dead-letter topic.
/// A permanent failure goes straight to the dead-letter topic.
enum RetryRoute: Sendable, Equatable {
    case retry(tier: RetryTier, envelope: RetryHeaders)
    case deadLetter(envelope: RetryHeaders, reason: StageRejection)

    /// How long the ladder protects a record: the sum of its tiers' delays, from its first failure.
    static func protection(_ tiers: [RetryTier]) -> Duration {
        tiers.reduce(Duration.zero) { $0 + $1.delay }
    }

    /// The route of `result` for `message` (its retry envelope, if it came from a tier), or nil
    /// when the result needs none (done, abandoned, deferred).
    static func next(
        after result: DispatchResult, message: KafkaMessage, tiers: [RetryTier], now: Date = .now
    ) -> RetryRoute? {
        let previous = RetryHeaders(message)
        func envelope(status: Int?, error: String, effect: String?) -> RetryHeaders {
            RetryHeaders(
                attempts: (previous?.attempts ?? 0) + 1, firstFailure: previous?.firstFailure ?? now,
                lastStatus: status, lastError: error, effectID: effect, tier: previous?.tier, due: nil,
                originalTopic: previous?.originalTopic ?? message.topic,
                originalPartition: previous?.originalPartition ?? message.partition,
                originalOffset: previous?.originalOffset ?? message.offset)
        }
        switch result {
        case .done, .abandoned, .deferred:
            return nil
        case .permanent(let effect, let status, let code, let detail, _):
            let reason = StageRejection.erpRefused(
                "HTTP \(status)\(code.map { " \($0)" } ?? "")\(effect.map { " on \($0)" } ?? ""): \(detail.prefix(300))"
            )
            let failed = envelope(status: status == 0 ? nil : status, error: detail, effect: effect)
            return .deadLetter(envelope: failed, reason: reason)
        case .exhausted(let effect, let attempts, let status, let retryAfter, let detail, _):
            var failed = envelope(status: status, error: detail, effect: effect)
            let position = previous?.tier.flatMap { name in tiers.firstIndex { $0.name == name } }
            let next = retryAfter != nil ? (position ?? 0) : (position.map { $0 + 1 } ?? 0)
            let protection = protection(tiers)
            let elapsed = DurationSeconds.clampedSeconds(
                now.timeIntervalSince(failed.firstFailure), to: -1e9...1e9, otherwise: 0)
            // Throttled rounds are bounded by time, not by their count (a future first failure — a
            // skewed clock — counts as just failed).
            let throttledTooLong = retryAfter != nil && elapsed > protection.seconds
            guard next < tiers.count, !throttledTooLong else {
                let spent =
                    throttledTooLong
                    ? " over \(Int(elapsed.rounded())) s (the tiers protect \(Int(protection.seconds.rounded())) s)"
                    : ""
                let reason = StageRejection.erpUnavailable(
                    "\(failed.attempts) rounds\(spent) (\(attempts) attempts in the last)"
                        + "\(status.map { ", last HTTP \($0)" } ?? "")\(effect.map { " on \($0)" } ?? ""): "
                        + String(detail.prefix(200)))
                return .deadLetter(envelope: failed, reason: reason)
            }
            let tier = tiers[next]
            let wait = retryAfter.map { min($0, tier.delay) } ?? tier.delay
            failed.tier = tier.name
            failed.due = now.addingTimeInterval(wait.seconds)
            return .retry(tier: tier, envelope: failed)
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double { DurationSeconds.of(self) }
}
