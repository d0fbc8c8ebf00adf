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
        if case .done(let applied, let blocked, let unmatched, let review) = result {
            if applied.isEmpty { rows.append(row("up-to-date", detail: "the ERP already shows this change")) }
            if let review { rows.append(row("edit-after-fulfilment", detail: review)) }
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

    /// Where `result` goes next (``RetryRoute``) with its record and audit row, or nil when it goes
    /// nowhere; adds it to `counts` (retried or dead-lettered) and logs a dead letter.
    static func route(
        _ result: DispatchResult, _ message: KafkaMessage, orderKey: String, eventID: String, tiers: [RetryTier],
        context: StageContext, counts: inout StageCounts
    ) -> (route: RetryRoute, output: StageOutput)? {
        guard let route = RetryRoute.next(after: result, message: message, tiers: tiers) else { return nil }
        let output = routed(
            message, orderKey: orderKey, eventID: eventID, route, topics: context.topics, stage: context.stage,
            replica: context.replica)
        if case .deadLetter = route {
            counts.deadLettered += 1
            context.logger.error(
                "ERP dispatch gave up on an event; dead-lettered with the reason",
                metadata: [
                    "order": "\(orderKey)", "stage": "\(context.stage.rawValue)",
                    "reason": "\(output.audit.detail ?? "")",
                ])
        } else {
            counts.retried += 1
        }
        return (route, output)
    }

    /// The retry-tier or dead-letter record (and its audit row) for an event routed by
    /// ``RetryRoute``: the record's value and envelope unchanged, the retry envelope replaced.
    static func routed(
        _ message: KafkaMessage, orderKey: String, eventID: String, _ route: RetryRoute, topics: PipelineTopics,
        stage: StageName, replica: String
    ) -> StageOutput {
        let original = ObservationHeader.removing(from: message.headers)
        let headers = HeaderMap(message.headers)
        let record: ProducerRecord
        let audit: AuditRecord
        switch route {
        case .retry(let tier, let envelope):
            record = ProducerRecord(
                topic: topics.retry(tier: tier.name), key: message.key ?? Array(orderKey.utf8), value: message.value,
                headers: envelope.headers(appendingTo: original))
            audit = AuditRecord(
                hop: .retried, orderKey: orderKey, channel: headers[EnvelopeHeader.channel], eventID: eventID,
                stage: stage.rawValue, replica: replica, topic: message.topic, partition: message.partition,
                offset: message.offset, httpStatus: envelope.lastStatus, dueAt: envelope.due,
                reason: "retry-\(tier.name)",
                detail: "round \(envelope.attempts) failed\(envelope.effectID.map { " on \($0)" } ?? ""): "
                    + "\(envelope.lastError); due \(envelope.due.map(RFC3339.format) ?? "now")",
                traceID: headers[EnvelopeHeader.traceID])
        case .deadLetter(let envelope, let reason):
            record = ProducerRecord(
                topic: topics.deadLetter, key: message.key ?? Array(orderKey.utf8), value: message.value,
                headers: envelope.headers(appendingTo: original, stage: .dispatch, reason: reason.description))
            audit = AuditRecord(
                hop: .deadLettered, orderKey: orderKey, channel: headers[EnvelopeHeader.channel], eventID: eventID,
                stage: stage.rawValue, replica: replica, topic: message.topic, partition: message.partition,
                offset: message.offset, httpStatus: envelope.lastStatus, reason: reason.code,
                detail: reason.description, traceID: headers[EnvelopeHeader.traceID])
        }
        return StageOutput(record: record, audit: audit, quarantined: false)
    }

    /// The quarantine record for a `<p>.canonical` record that does not decode.
    static func undecodable(
        _ message: KafkaMessage, _ error: any Error, topics: PipelineTopics, replica: String
    ) -> StageOutput {
        Quarantine.output(
            message, rejection: .malformedPayload("canonical event: \(String(describing: error).prefix(300))"),
            stage: .dispatch, topics: topics, replica: replica)
    }
}
