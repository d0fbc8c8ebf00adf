import Foundation
import Kafka
import Ledger

/// The dead-letter stage's logic, an effect kind that produces no records. plan (pure): each
/// record's case arrival. perform: records each as a case (``CaseStore/recordCase(_:)``, idempotent
/// per source record; a `dl-case-id` reopens that case). settle: audits each new or reopened case
/// as `dead_lettered`.
public struct DeadLetterLogic: EffectLogic {
    /// What recording a batch's cases came to.
    struct Outcome: Sendable {
        var audit: [AuditRecord] = []
        var counts = StageCounts()
    }

    let cases: any CaseStore

    func plan(_ batch: [KafkaMessage], context: StageContext) async -> [CaseArrival]? {
        let now = Date()
        return batch.map { CaseArrivalReader.arrival($0, seenAt: now) }
    }

    func perform(_ plan: [CaseArrival], _ batch: [KafkaMessage], context: StageContext) async -> Outcome? {
        var outcome = Outcome()
        for arrival in plan {
            let recorded = await retryUntilStopped(
                "record dead-letter case", logger: context.logger, shouldStop: context.isStopping
            ) { try await cases.recordCase(arrival) }
            guard let recorded else { return nil }
            switch recorded {
            case .duplicate:
                outcome.counts.duplicates += 1
            case .created(let value), .reopened(let value):
                let verb = value.occurrences == 1 ? "opened" : "reopened (occurrence \(value.occurrences))"
                let source = arrival.provenance
                outcome.audit.append(
                    AuditRecord(
                        time: arrival.seenAt, hop: .deadLettered, orderKey: arrival.orderKey, channel: arrival.channel,
                        eventID: arrival.eventID, stage: StageName.deadLetter.rawValue, replica: context.replica,
                        topic: source.sourceTopic, partition: source.sourcePartition, offset: source.sourceOffset,
                        httpStatus: source.httpStatus, reason: source.reasonCode,
                        detail:
                            "case \(value.id) \(verb): \(source.stage) \(source.reasonCode): \(source.reasonDetail)",
                        traceID: arrival.traceID))
                outcome.counts.produced += 1
            }
        }
        return outcome
    }

    func settle(
        _ batch: [KafkaMessage], _ outcome: Outcome, undeliverable: [(index: Int, output: StageOutput)],
        context: StageContext
    ) async -> StageSettlement {
        .settled(audit: outcome.audit, counts: outcome.counts)
    }

    func reset() async {}
}
