/// Tuning of an ``AuditWriter``.
public struct AuditWriterConfiguration: Sendable {
    /// Most records held (buffered + being written). `record` suspends when it is reached.
    public var capacity: Int
    /// Most records per store write.
    public var batchSize: Int
    /// How long a partial batch may wait before it is written anyway.
    public var flushInterval: Duration
    /// First pause after a failed write; doubles per failure up to ``maxBackoff``.
    public var initialBackoff: Duration
    /// Longest pause between retries of a failed write.
    public var maxBackoff: Duration
    /// How long ``AuditWriter/run()``'s graceful shutdown keeps writing buffered records through a
    /// store outage before it gives up on them.
    public var shutdownTimeout: Duration

    public init(
        capacity: Int = 10_000, batchSize: Int = 500, flushInterval: Duration = .milliseconds(100),
        initialBackoff: Duration = .milliseconds(50), maxBackoff: Duration = .seconds(5),
        shutdownTimeout: Duration = .seconds(10)
    ) {
        self.capacity = max(capacity, 1)
        self.batchSize = min(max(batchSize, 1), max(capacity, 1))
        self.flushInterval = flushInterval
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.shutdownTimeout = shutdownTimeout
    }

    /// The pause before retry number `attempt` (1-based).
    func backoff(attempt: Int) -> Duration {
        var delay = initialBackoff
        for _ in 1..<max(attempt, 1) {
            delay = delay * 2
            if delay >= maxBackoff { return maxBackoff }
        }
        return min(delay, maxBackoff)
    }
}

/// Counters of an ``AuditWriter``, for tests, metrics and health.
public struct AuditWriterStatistics: Sendable, Hashable {
    /// Records accepted and not yet written.
    public var buffered: Int
    /// The most records ever held at once; never above the capacity.
    public var highWaterMark: Int
    /// Records written to the store.
    public var written: Int
    /// Successful store writes.
    public var batches: Int
    /// Store writes that failed (and were retried).
    public var failedAttempts: Int
    /// How many `record` calls had to wait for space.
    public var backPressureWaits: Int
    /// Records ``AuditWriter/offer(contentsOf:)`` dropped because the buffer was full or the writer
    /// closing (callers that must not wait on the ledger, such as webhook answers).
    public var dropped: Int = 0
    /// Records the store refused for good (a data error no retry fixes): split out of their batch,
    /// logged and not written, so that the rest of the batch is.
    public var rejected: Int = 0
    /// The last write error, if the last attempt failed.
    public var lastError: String?
}

/// Identifies a recorded audit record; wait on it with ``AuditWriter/waitUntilDurable(_:)``.
public struct AuditTicket: Sendable, Hashable, Comparable {
    /// Position in the writer's sequence (1 = first record).
    public let sequence: UInt64
    public static func < (lhs: AuditTicket, rhs: AuditTicket) -> Bool { lhs.sequence < rhs.sequence }
}
