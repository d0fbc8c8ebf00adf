import Foundation

/// One reconciliation run in the history (`reconcile_runs`, migration 8): its window, how many
/// attempts it took and how it ended — what `driftless reconcile --history` lists.
public struct ReconcileRunRecord: Sendable, Hashable, Codable {
    /// The run's id and the lease (job) name it ran under.
    public var runID: String
    public var name: String
    /// The window compared.
    public var windowStart: Date
    public var windowEnd: Date
    /// When its first attempt began and when it last changed.
    public var startedAt: Date
    public var updatedAt: Date
    /// Attempts so far (a failed run is resumed by the next attempt, up to a limit).
    public var attempts: Int
    /// `running`, `ok`, `drift-found`, `failed` (will be resumed) or `abandoned` (given up).
    public var result: String
    /// Orders compared and drifts found by the last attempt.
    public var compared: Int
    public var found: Int
    /// Why the last attempt failed or the run was given up.
    public var error: String?

    /// A history entry.
    public init(
        runID: String, name: String, windowStart: Date, windowEnd: Date, startedAt: Date, updatedAt: Date,
        attempts: Int, result: String, compared: Int = 0, found: Int = 0, error: String? = nil
    ) {
        self.runID = runID
        self.name = name
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.startedAt = startedAt
        self.updatedAt = updatedAt
        self.attempts = attempts
        self.result = result
        self.compared = compared
        self.found = found
        self.error = error
    }
}
