import Foundation
import Kafka
import Ledger
import OrderModel

/// The audit rows and quarantine records of dispatched events.
enum DispatchRecords {
    /// A `dispatched` row per write that landed (effect id, record, external id, HTTP status,
    /// attempts); one `up-to-date` row when the event needed no write; a `pattern-4-withheld` row
    /// when a fulfilment release was withheld; an `unmatched-erp-payment` row per ERP payment no
    /// channel capture explains.
    static func audit(
        _ event: CanonicalEvent, _ message: KafkaMessage, _ result: DispatchResult, replica: String
    ) -> [AuditRecord] {
        func row(_ reason: String, status: Int? = nil, detail: String) -> AuditRecord {
            AuditRecord(
                hop: .dispatched, orderKey: event.orderKey.description, channel: event.channel.rawValue,
                eventID: event.eventID, stage: StageName.dispatch.rawValue, replica: replica, topic: message.topic,
                partition: message.partition, offset: message.offset, toState: event.state.rawValue,
                httpStatus: status, reason: reason, detail: detail, traceID: event.traceID)
        }
        var rows = result.applied.map { applied in
            row(
                applied.effect.kind.rawValue, status: applied.status,
                detail:
                    "effect \(applied.effect.id) → \(applied.effect.record.rawValue) eid:\(applied.effect.externalID)"
                    + (applied.attempts > 1 ? " after \(applied.attempts) attempts" : ""))
        }
        if case .done(let applied, let blocked, let unmatched) = result {
            if applied.isEmpty { rows.append(row("up-to-date", detail: "the ERP already shows this change")) }
            if let blocked { rows.append(row("pattern-4-withheld", detail: blocked)) }
            for reference in unmatched {
                rows.append(
                    row(
                        "unmatched-erp-payment",
                        detail: "the ERP has payment \(reference) for this order; no channel capture matches it"))
            }
        }
        return rows
    }

    /// The quarantine record (and its audit row) for an event the ERP refused or kept failing, or
    /// nil when the result needs none.
    static func quarantine(
        _ message: KafkaMessage, _ result: DispatchResult, topics: PipelineTopics, replica: String
    ) -> StageOutput? {
        let rejection: StageRejection
        switch result {
        case .permanent(let effect, let status, let code, let detail, _):
            rejection = .erpRefused(
                "HTTP \(status)\(code.map { " \($0)" } ?? "")\(effect.map { " on \($0)" } ?? ""): \(detail.prefix(300))"
            )
        case .exhausted(let effect, let attempts, let status, _, let detail, _):
            rejection = .erpUnavailable(
                "\(attempts) attempts\(status.map { ", last HTTP \($0)" } ?? "")\(effect.map { " on \($0)" } ?? ""): \(detail.prefix(200))"
            )
        case .done, .abandoned:
            return nil
        }
        return ValidateProcessor.quarantine(
            message, rejection: rejection, stage: .dispatch, topics: topics, replica: replica)
    }

    /// The quarantine record for a `<p>.canonical` record that does not decode.
    static func undecodable(
        _ message: KafkaMessage, _ error: any Error, topics: PipelineTopics, replica: String
    ) -> StageOutput {
        ValidateProcessor.quarantine(
            message, rejection: .malformedPayload("canonical event: \(String(describing: error).prefix(300))"),
            stage: .dispatch, topics: topics, replica: replica)
    }
}
