import Foundation
import Kafka
import Logging
import ServiceLifecycle

/// Sets the topics up at start-up (``TopicSetup/ensure(kafka:topics:partitions:replicationFactor:tiers:mockCluster:adminTimeout:logger:)``),
/// retrying with capped back-off (``TopicSetupRetry``) while the broker is slow or unreachable — each
/// attempt logged, `/status` showing it under `topics` and readiness staying off (`starting`) — until
/// the broker answers or the process is asked to stop. Then it opens the gate the stages wait at
/// (``GatedService``); a configuration error ends the process.
struct TopicSetupService: Service, CustomStringConvertible {
    let kafka: KafkaConfig
    let topics: PipelineTopics
    let partitions: Int32
    let replicationFactor: Int32
    let tiers: [RetryTier]
    let retry: TopicSetupRetry
    let health: HealthState
    let gate: StartupGate
    let logger: Logger

    var description: String { "topic-setup" }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await ensureRetrying() }
            health.setDetail("topics", "ready")
            gate.open()
        } catch {
            gate.close()
            // Asked to stop while waiting for the broker: not an error of the process.
            if error is CancellationError || Task.isCancelled { return }
            throw error
        }
    }

    /// Attempts until one succeeds; throws only for errors no retry can cure, or when cancelled.
    private func ensureRetrying() async throws {
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await TopicSetup.ensure(
                    kafka: kafka, topics: topics, partitions: partitions, replicationFactor: replicationFactor,
                    tiers: tiers, adminTimeout: retry.attemptTimeout, logger: logger)
                if attempt > 1 {
                    logger.notice("topics ready after \(attempt) attempts: the broker answers")
                }
                return
            } catch let error as KafkaError where Self.isRetryable(error) {
                try Task.checkCancellation()
                let delay = retry.delay(after: attempt)
                health.setDetail("topics", "waiting for the broker (attempt \(attempt))")
                logger.warning(
                    "topic setup failed: the broker is slow or unreachable; retrying",
                    metadata: [
                        "attempt": "\(attempt)", "retryIn": "\(delay)", "error": "\(error)",
                        "bootstrap": "\(kafka.bootstrapServers ?? "?")",
                    ])
                try await Task.sleep(for: delay)
            }
        }
    }

    /// Whether another attempt may succeed: not for a configuration the client refuses.
    static func isRetryable(_ error: KafkaError) -> Bool {
        switch error {
        case .configuration, .clientCreation: false
        // Refused for good: not authorized, invalid partitions, replication factor, config or name, policy.
        case .admin(_, let code, _): ![29, 31, 37, 38, 40, 44, 17].contains(code)
        default: true
        }
    }
}

/// A service that starts only once the ``StartupGate`` opens (the topics exist); if the gate closes
/// instead (the process is stopping before start-up finished), it returns without running.
struct GatedService: Service, CustomStringConvertible {
    let gate: StartupGate
    let inner: any Service

    var description: String { "\(inner)" }

    func run() async throws {
        guard await gate.wait() else { return }
        try await inner.run()
    }
}
