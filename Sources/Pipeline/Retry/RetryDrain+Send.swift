import Kafka

extension RetryDrain {
    /// How sending one record of the retry path ended.
    enum Delivered: Sendable, Equatable {
        /// The broker acknowledged it.
        case acknowledged
        /// The broker refused it for good; a quarantine record with the reason took its place.
        case quarantined
        /// The stage stopped before the broker acknowledged it.
        case stopped
    }

    /// Sends `output`'s record through the stage's ``BatchDelivery`` (retried while the failure is
    /// transient, until the stage stops) and keeps the audit row of what the broker took: the
    /// record's own, or, when the broker refuses it for good (e.g. larger than `message.max.bytes`),
    /// that of the quarantine record sent in its place for `source` (the input it came from).
    func send(
        _ output: StageOutput, source: KafkaMessage, into outcome: inout Outcome, context: StageContext
    ) async -> Delivered {
        let delivery = context.delivery
        guard case .delivered(let refused) = await delivery.send([output.record]) else { return .stopped }
        guard !refused.isEmpty else {
            outcome.audit.append(output.audit)
            return .acknowledged
        }
        let replacement = await delivery.quarantine(
            refused, source: { _ in source }, stage: context.stage, topics: context.topics, replica: context.replica)
        guard case .replaced(let quarantined) = replacement else { return .stopped }
        outcome.audit += quarantined.map(\.output.audit)
        return .quarantined
    }
}
