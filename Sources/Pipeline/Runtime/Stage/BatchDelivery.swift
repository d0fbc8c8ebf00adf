import Kafka
import Logging

/// Completes the delivery of a stage's batch of output records: every record ends acknowledged by
/// the broker or found **undeliverable** (an error the broker or librdkafka will never get past,
/// e.g. `MSG_SIZE_TOO_LARGE`); transient failures (broker down, timeouts) are retried with
/// back-off until they succeed or the stage stops.
///
/// The fast path is one `PendingSend` for the whole batch. Only when it fails with a permanent
/// error are the records sent again one per enqueue, to find which ones the broker refuses (those
/// already delivered are then delivered twice — downstream dedupes by event id; at-least-once).
struct BatchDelivery: Sendable {
    let sink: any RecordSink
    let logger: Logger
    let what: String
    let shouldStop: @Sendable () -> Bool

    /// How delivering a batch ended.
    enum Outcome: Sendable, Equatable {
        /// Every record has an outcome: acknowledged, or refused for good (`refused`, by index, with the reason).
        case delivered(refused: [Int: String])
        /// The stage stopped before every record had an outcome: nothing may be acknowledged.
        case stopped
    }

    /// How one send (a batch or one record) ended, when it did not stop.
    private enum Attempt {
        case acknowledged
        case refused(reason: String)
    }

    /// How quarantining the refused records ended.
    enum Replacement: Sendable {
        /// The quarantine output of each refused record, by the refused record's index.
        case replaced([(index: Int, output: StageOutput)])
        /// The stage stopped first.
        case stopped
    }

    /// Enqueues `records`; an enqueue failure is kept and handled by ``complete(_:_:)``.
    func start(_ records: [ProducerRecord]) async -> Result<PendingSend, any Error> {
        do {
            return .success(try await sink.enqueue(records))
        } catch {
            return .failure(error)
        }
    }

    /// Sends `records` and waits until each is acknowledged or refused for good (an effect step's
    /// send that must land before its next step).
    func send(_ records: [ProducerRecord]) async -> Outcome {
        await complete(records, await start(records))
    }

    /// Awaits `started` and resolves every failure of `records`.
    func complete(_ records: [ProducerRecord], _ started: Result<PendingSend, any Error>) async -> Outcome {
        switch await deliver(first: started, resend: { await start(records) }) {
        case nil: return .stopped
        case .acknowledged: return .delivered(refused: [:])
        case .refused: return await isolate(records)
        }
    }

    /// Sends each record on its own (all enqueued first, in order) and retries the transient
    /// failures one by one; returns the permanently refused ones.
    private func isolate(_ records: [ProducerRecord]) async -> Outcome {
        var started: [Result<PendingSend, any Error>] = []
        started.reserveCapacity(records.count)
        for record in records { started.append(await start([record])) }
        var refused: [Int: String] = [:]
        for (index, record) in records.enumerated() {
            switch await deliver(first: started[index], resend: { await start([record]) }) {
            case nil:
                return .stopped
            case .acknowledged:
                continue
            case .refused(let reason):
                refused[index] = reason
                logger.error(
                    "\(what): record refused for good; quarantining it",
                    metadata: [
                        "topic": "\(record.topic)", "error": "\(reason)",
                    ])
            }
        }
        return .delivered(refused: refused)
    }

    /// Awaits the acks of `first`; while the failure is transient, sends again with `resend` (with
    /// back-off). Nil: the stage stopped first.
    private func deliver(
        first: Result<PendingSend, any Error>, resend: () async -> Result<PendingSend, any Error>
    ) async -> Attempt? {
        var pending: Result<PendingSend, any Error>? = first
        return await retryUntilStopped(what, logger: logger, shouldStop: shouldStop) { () async throws -> Attempt in
            let attempt: Result<PendingSend, any Error>
            if let first = pending {
                attempt = first
                pending = nil
            } else {
                attempt = await resend()
            }
            do {
                _ = try await attempt.get().reports()
                return .acknowledged
            } catch {
                if let reason = Self.permanentReason(error) { return .refused(reason: reason) }
                throw error
            }
        }
    }

    /// Sends a quarantine record (without the value, see
    /// ``Quarantine/undeliverable(_:reason:stage:topics:replica:)``) for each refused record,
    /// `source(index)` being the input message the refused record came from. Returns the quarantine
    /// outputs by refused index — an audit row notes when the broker refused the quarantine record too.
    func quarantine(
        _ refused: [Int: String], source: (Int) -> KafkaMessage, stage: StageName, topics: PipelineTopics,
        replica: String
    ) async -> Replacement {
        guard !refused.isEmpty else { return .replaced([]) }
        let indices = refused.keys.sorted()
        var outputs = indices.map { index in
            Quarantine.undeliverable(
                source(index), reason: refused[index] ?? "undeliverable", stage: stage, topics: topics, replica: replica
            )
        }
        let records = outputs.map(\.record)
        guard case .delivered(let lost) = await send(records) else { return .stopped }
        for (position, reason) in lost {
            logger.error(
                "\(what): the quarantine record was refused too; only the audit trail keeps it",
                metadata: ["error": "\(reason)"])
            outputs[position].audit.detail =
                (outputs[position].audit.detail ?? "") + "; quarantine record refused: \(reason)"
        }
        return .replaced(Array(zip(indices, outputs)).map { (index: $0.0, output: $0.1) })
    }

    /// librdkafka / broker error codes that no retry can get past for the same record.
    static let permanentCodes: Set<Int32> = [
        2,  // CORRUPT_MESSAGE
        10,  // MSG_SIZE_TOO_LARGE (broker, or local: larger than the producer's message.max.bytes)
        18,  // RECORD_LIST_TOO_LARGE
        32,  // INVALID_TIMESTAMP
        87,  // INVALID_RECORD
        -199,  // _BAD_MSG
    ]

    /// `undeliverable: <error>` when `error` means the record will never be accepted; nil when
    /// retrying may help.
    static func permanentReason(_ error: any Error) -> String? {
        guard let kafka = error as? KafkaError else { return nil }
        switch kafka {
        case let .produce(_, code, _), let .delivery(_, code, _):
            return permanentCodes.contains(code) ? kafka.description : nil
        default:
            return nil
        }
    }
}
