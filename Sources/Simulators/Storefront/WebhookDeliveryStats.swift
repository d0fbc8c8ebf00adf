import Synchronization

/// Counters of a `WebhookDeliverer`.
public actor WebhookDeliveryStats {
    /// Attempts made (first tries and retries).
    public private(set) var attempts = 0
    /// Deliveries that got a 2xx.
    public private(set) var delivered = 0
    /// Deliveries that gave up after all attempts.
    public private(set) var failed = 0
    /// Deliveries the fault plan dropped.
    public private(set) var dropped = 0
    /// Responses by HTTP status (0: no response).
    public private(set) var statuses: [Int: Int] = [:]

    func recordAttempt(status: Int?) {
        attempts += 1
        statuses[status ?? 0, default: 0] += 1
    }

    func recordDelivered() { delivered += 1 }
    func recordFailed() { failed += 1 }
    func recordDropped(_ count: Int) { dropped += count }
}

/// A thread-safe string (the current signing secret).
final class SecretBox: Sendable {
    private let value: Mutex<String>
    init(_ value: String) { self.value = Mutex(value) }
    func get() -> String { value.withLock { $0 } }
    func set(_ newValue: String) { value.withLock { $0 = newValue } }
}

/// A shared index over a schedule for parallel senders.
final class Cursor: Sendable {
    private let position = Mutex(0)
    func next(limit: Int) -> Int? {
        position.withLock { value in
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}
