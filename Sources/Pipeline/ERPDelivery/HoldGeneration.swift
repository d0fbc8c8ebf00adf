import Foundation
import Kafka
import Ledger
import Logging

/// The hold generation on retry records (`dl-hold-generation`): the retry record written for a hold
/// carries the generation the hold was armed with, so the retry stage acts on a record only while
/// its order's hold is still at that generation — one chain drains an order, however many records
/// a crash, a rebalance or a replayed head record left on the tiers.
enum HoldGeneration {
    /// The generation `message` was written for; nil for records from before generations.
    static func of(_ message: KafkaMessage) -> Int64? {
        message.header(EnvelopeHeader.holdGeneration)?.stringValue.flatMap { Int64($0) }
    }

    /// `output` (a retry-tier record) marked with `generation`.
    static func stamped(_ output: StageOutput, _ generation: Int64) -> StageOutput {
        var output = output
        output.record.headers.removeAll { $0.key == EnvelopeHeader.holdGeneration }
        output.record.headers.append(KafkaHeader(key: EnvelopeHeader.holdGeneration, string: String(generation)))
        return output
    }
}

/// How a ledger step of the retry path ended.
enum LedgerStep<Value: Sendable>: Sendable {
    case done(Value)
    /// The stage is stopping (or a fatal error): leave the record unacknowledged.
    case stopped
    /// The ledger refuses the step for good (`LedgerError.rejected`): retrying cannot help. The
    /// record is acknowledged and the hold left to the sweep, instead of stalling the stage.
    case refused

    var value: Value? {
        if case .done(let value) = self { return value }
        return nil
    }
}

/// `operation` retried with back-off while it fails transiently (as `retryUntilStopped`), but not
/// when the ledger refuses it for good.
func ledgerStep<T: Sendable>(
    _ what: String, logger: Logger, shouldStop: @Sendable () -> Bool, _ operation: () async throws -> T
) async -> LedgerStep<T> {
    var delay: Duration = .milliseconds(10)
    while true {
        do {
            return .done(try await operation())
        } catch {
            if let ledger = error as? LedgerError, case .rejected = ledger {
                logger.error(
                    "\(what) refused by the ledger; the order is left to the hold sweep",
                    metadata: ["error": "\(error)"])
                return .refused
            }
            if shouldStop() { return .stopped }
            logger.warning("\(what) failed; retrying", metadata: ["error": "\(error)", "retry-in": "\(delay)"])
            try? await Task.sleep(for: delay)
            if shouldStop() { return .stopped }
            delay = min(delay * 2, .seconds(2))
        }
    }
}
