import Foundation
import Kafka
import Ledger

/// The dead-letter stage's logic on the stage skeleton: it produces nothing; settling a batch
/// records each record as a case (``CaseStore/recordCase(_:)``, idempotent per source record; a
/// `dl-case-id` reopens that case) and audits each new or reopened case as `dead_lettered`.
struct DeadLetterLogic: StageLogic {
    let cases: any CaseStore

    func plan(_ batch: [KafkaMessage], context: StageContext) async -> [CaseArrival]? {
        let now = Date()
        return batch.map { CaseArrivalReader.arrival($0, seenAt: now) }
    }

    func outputs(_ plan: [CaseArrival]) -> StageOutputs {
        StageOutputs(records: [], sources: [])
    }

    func settle(
        _ batch: [KafkaMessage], _ plan: [CaseArrival], undeliverable: [(index: Int, output: StageOutput)],
        context: StageContext
    ) async -> StageSettlement {
        var audit: [AuditRecord] = []
        var counts = StageCounts()
        for arrival in plan {
            let outcome = await retryUntilStopped(
                "record dead-letter case", logger: context.logger, shouldStop: context.isStopping
            ) { try await cases.recordCase(arrival) }
            guard let outcome else { return .gaveUp }
            switch outcome {
            case .duplicate:
                counts.duplicates += 1
            case .created(let value), .reopened(let value):
                let verb = value.occurrences == 1 ? "opened" : "reopened (occurrence \(value.occurrences))"
                let source = arrival.provenance
                audit.append(
                    AuditRecord(
                        time: arrival.seenAt, hop: .deadLettered, orderKey: arrival.orderKey, channel: arrival.channel,
                        eventID: arrival.eventID, stage: StageName.deadLetter.rawValue, replica: context.replica,
                        topic: source.sourceTopic, partition: source.sourcePartition, offset: source.sourceOffset,
                        httpStatus: source.httpStatus, reason: source.reasonCode,
                        detail:
                            "case \(value.id) \(verb): \(source.stage) \(source.reasonCode): \(source.reasonDetail)",
                        traceID: arrival.traceID))
                counts.produced += 1
            }
        }
        return .settled(audit: audit, counts: counts)
    }

    func reset() async {}
}
