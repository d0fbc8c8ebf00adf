import Kafka
import Ledger
import Logging
import ServiceLifecycle

/// Keeps readiness in step with the broker: every `interval` asks the cluster for metadata through
/// the process's producer and records whether it answered in ``HealthState``. Readiness therefore
/// recovers on its own once the broker is back, with no traffic needed to find out.
struct BrokerProbe: Service, CustomStringConvertible {
    let producer: KafkaProducer
    let health: HealthState
    let interval: Duration
    let logger: Logger
    /// Also probed each round (`/status` detail `ledger`), when given.
    var ledger: (any LedgerStore)? = nil

    var description: String { "broker-probe" }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var answered = true
            while !Task.isCancelled {
                do {
                    try await producer.probe(timeout: min(interval, .seconds(5)))
                    if !answered { logger.notice("kafka answers again: ready") }
                    answered = true
                    health.recordProbe(succeeded: true)
                } catch {
                    if answered { logger.warning("kafka does not answer: not ready", metadata: ["error": "\(error)"]) }
                    answered = false
                    health.recordProbe(succeeded: false)
                }
                if let ledger {
                    let answers = (try? await ledger.schemaVersions()) != nil
                    health.setDetail("ledger", answers ? "ok" : "unreachable")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
