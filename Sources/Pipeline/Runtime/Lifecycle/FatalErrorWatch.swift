import Kafka
import Logging
import ServiceLifecycle

/// Ends the process when its producer hits a fatal error (e.g. the idempotent producer's `_FATAL`):
/// nothing can be sent any more, so retrying forever would stall the stages silently while they
/// hold their partitions. The watch marks the process not alive (`/healthz` 503), logs why, and
/// throws, which shuts the service group down gracefully: stages give up their batches in hand
/// without acknowledging them, commit only what was acknowledged and leave their consumer groups, so
/// another replica takes the partitions over and redelivers what was not finished.
struct FatalErrorWatch: Service, CustomStringConvertible {
    let producer: KafkaProducer
    let health: HealthState
    let logger: Logger

    var description: String { "fatal-error-watch" }

    func run() async throws {
        let fatal = await cancelWhenGracefulShutdown { await producer.waitForFatalError() }
        guard let fatal else { return }
        health.markFatal()
        logger.critical(
            "stopping: the Kafka producer hit a fatal error and cannot send again; unacknowledged input is left to another replica",
            metadata: ["error": "\(fatal)"])
        throw PipelineRuntimeError.kafkaFatal(String(describing: fatal))
    }
}
