import Synchronization

/// Liveness and readiness of a process, served on `/healthz` and `/readyz`.
///
/// Ready means: start-up finished (topics exist, clients connected), the broker answers, no fatal
/// error, and shutdown has not begun. Whether the broker answers comes from what was last seen of
/// it: a failed send turns readiness off at once, and the periodic broker probe (``BrokerProbe``)
/// turns it off when the broker stops answering and **back on when it answers again**, whether or
/// not any traffic arrives meanwhile (a load balancer sends none to a process that is not ready).
///
/// Alive means: no fatal error. A fatal client error (e.g. librdkafka's idempotent producer
/// `_FATAL`) cannot be recovered in-process: `/healthz` fails so the orchestrator restarts it.
///
/// What the endpoints show is a short code (``Condition``); the error behind it goes to the log
/// only, never to unauthenticated callers.
public final class HealthState: Sendable {
    /// What the process is doing, as shown on the health endpoints.
    public enum Condition: String, Sendable, Equatable {
        case starting
        case ok
        case stopping
        /// The last send or broker probe failed.
        case kafkaUnavailable = "kafka-unavailable"
        /// A fatal client error: the process is ending.
        case fatal
        /// A part stopped because its credentials were refused (e.g. the poller's revoked LWA
        /// refresh token); the log names the part and why. Needs new credentials and a restart.
        case credentialsRejected = "credentials-rejected"
    }

    private struct State {
        /// Starting → running → stopping; failed (``ProcessPhase``).
        var phase = ProcessPhase.starting
        var brokerAnswers = true
        /// Parts stopped for refused credentials.
        var credentialsRejected: Set<String> = []
        /// Named parts' states (e.g. `erp` → `closed`), shown on `/status`.
        var components: [String: String] = [:]
        /// What probes last saw of the parts the process depends on (`ledger`, `poller`).
        var details: [String: String] = [:]
    }

    private let state = Mutex(State())
    private let componentObserver = Mutex<(@Sendable (String, String?, String) -> Void)?>(nil)

    public init() {}

    /// Marks start-up as finished (no effect after a fatal error; noted while stopping).
    public func markStarted() {
        state.withLock { _ = $0.phase.markStarted() }
    }

    /// Marks the beginning of shutdown (readiness turns off so load balancers stop sending); no
    /// effect when already stopping or after a fatal error.
    public func markStopping() {
        state.withLock { _ = $0.phase.markStopping() }
    }

    /// Marks a fatal error: liveness and readiness fail from now on.
    public func markFatal() {
        state.withLock { _ = $0.phase.markFatal() }
    }

    /// Marks part `name` (e.g. `poller`) as stopped for refused credentials: readiness turns off
    /// (``Condition/credentialsRejected``) until the process restarts.
    public func markCredentialsRejected(_ name: String) {
        state.withLock { _ = $0.credentialsRejected.insert(name) }
    }

    /// Records the outcome of a send to Kafka.
    public func recordSend(succeeded: Bool) {
        state.withLock { $0.brokerAnswers = succeeded }
    }

    /// Records the outcome of a broker probe (``BrokerProbe``).
    public func recordProbe(succeeded: Bool) {
        state.withLock { $0.brokerAnswers = succeeded }
    }

    /// The process's condition (the most serious one that holds).
    public var condition: Condition {
        state.withLock { state in
            switch state.phase {
            case .failed: return .fatal
            case .stopping: return .stopping
            case .starting: return .starting
            case .running:
                if !state.credentialsRejected.isEmpty { return .credentialsRejected }
                return state.brokerAnswers ? .ok : .kafkaUnavailable
            }
        }
    }

    /// Whether the process should receive traffic, and a short code saying why not.
    public var readiness: (ready: Bool, detail: String) {
        let condition = condition
        return (condition == .ok, condition.rawValue)
    }

    /// Sets the state shown for the part `name` on `/status` (e.g. the ERP breaker: `open`).
    public func setComponent(_ name: String, _ value: String) {
        let previous = state.withLock { state -> String? in
            defer { state.components[name] = value }
            return state.components[name]
        }
        if let observer = componentObserver.withLock({ $0 }) { observer(name, previous, value) }
    }

    /// Calls `observer` (part name, previous state, new state) on every ``setComponent(_:_:)``
    /// from now on; the runtime reports breaker states to the metrics through it.
    func observeComponents(_ observer: @escaping @Sendable (String, String?, String) -> Void) {
        componentObserver.withLock { $0 = observer }
    }

    /// Every part's state by name.
    public var components: [String: String] {
        state.withLock { $0.components }
    }

    /// Records what was last seen of part `name` (e.g. `ledger` → `ok`), for `/status`; unlike
    /// ``setComponent(_:_:)`` nobody observes it.
    public func setDetail(_ name: String, _ value: String) {
        state.withLock { $0.details[name] = value }
    }

    /// Per part, short codes for `/status`: `broker` (`ok`, `unreachable`), `ledger` (`ok`,
    /// `unreachable`), `erp` (the breaker: `closed`, `open`, …), `poller` (`running`, `stopped`,
    /// `credentials-rejected`), as far as this process runs them.
    public var details: [String: String] {
        state.withLock { state in
            var details = state.details
            details["broker"] = !state.phase.hasStarted ? "starting" : state.brokerAnswers ? "ok" : "unreachable"
            if let erp = state.components["erp"] { details["erp"] = erp }
            for part in state.credentialsRejected { details[part] = "credentials-rejected" }
            return details
        }
    }

    /// Whether the process is alive (false only after a fatal error).
    public var liveness: (alive: Bool, detail: String) {
        condition == .fatal ? (false, Condition.fatal.rawValue) : (true, "ok")
    }
}
