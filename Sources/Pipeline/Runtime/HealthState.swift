import Synchronization

/// Liveness and readiness of a process, served on `/healthz` and `/readyz`.
///
/// Ready means: start-up finished (topics exist, clients connected) and the last send did not fail
/// (a failed send flips readiness until the next success), and shutdown has not begun.
public final class HealthState: Sendable {
    private struct State {
        var started = false
        var stopping = false
        var lastSendFailed = false
        var detail = "starting"
    }

    private let state = Mutex(State())

    public init() {}

    /// Marks start-up as finished.
    public func markStarted() {
        state.withLock {
            $0.started = true
            $0.detail = "ok"
        }
    }

    /// Marks the beginning of shutdown (readiness turns off so load balancers stop sending).
    public func markStopping() {
        state.withLock {
            $0.stopping = true
            $0.detail = "stopping"
        }
    }

    /// Records the outcome of a send to Kafka.
    public func recordSend(succeeded: Bool, detail: String? = nil) {
        state.withLock {
            $0.lastSendFailed = !succeeded
            if let detail { $0.detail = detail } else if succeeded, $0.started, !$0.stopping { $0.detail = "ok" }
        }
    }

    /// Whether the process should receive traffic, and why not.
    public var readiness: (ready: Bool, detail: String) {
        state.withLock { ($0.started && !$0.stopping && !$0.lastSendFailed, $0.detail) }
    }
}
