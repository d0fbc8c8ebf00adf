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

    /// The records of the batch that could not be delivered, by index, with the reason; nil when
    /// the stage stopped before every record had an outcome (then nothing may be acknowledged).
    typealias Outcome = [Int: String]?

    /// Enqueues `records`; an enqueue failure is kept and handled by ``complete(_:_:)``.
    func start(_ records: [ProducerRecord]) async -> Result<PendingSend, any Error> {
        do {
            return .success(try await sink.enqueue(records))
        } catch {
            return .failure(error)
        }
    }

    /// Awaits `started` and resolves every failure of `records`.
    func complete(_ records: [ProducerRecord], _ started: Result<PendingSend, any Error>) async -> Outcome {
        var failure: any Error
        do {
            _ = try await started.get().reports()
            return [:]
        } catch {
            failure = error
        }
        var delay: Duration = .milliseconds(10)
        while true {
            if Self.permanentReason(failure) != nil { return await isolate(records) }
            if shouldStop() { return nil }
            logger.warning("\(what) failed; retrying", metadata: ["error": "\(failure)", "retry-in": "\(delay)"])
            try? await Task.sleep(for: delay)
            if shouldStop() { return nil }
            delay = min(delay * 2, .seconds(2))
            do {
                _ = try await sink.send(records)
                return [:]
            } catch {
                failure = error
            }
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
            var result = started[index]
            var delay: Duration = .milliseconds(10)
            while true {
                do {
                    _ = try await result.get().reports()
                    break
                } catch {
                    if let reason = Self.permanentReason(error) {
                        refused[index] = reason
                        logger.error("\(what): record refused for good; quarantining it", metadata: [
                            "topic": "\(record.topic)", "error": "\(error)"])
                        break
                    }
                    if shouldStop() { return nil }
                    try? await Task.sleep(for: delay)
                    if shouldStop() { return nil }
                    delay = min(delay * 2, .seconds(2))
                    result = await start([record])
                }
            }
        }
        return refused
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
