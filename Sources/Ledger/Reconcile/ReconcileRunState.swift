import Foundation

/// The run a reconciliation lease covers: its window and how far it got, so another process (or the
/// same one after a restart) resumes it rather than starting over.
public struct ReconcileRunState: Sendable, Hashable {
    /// The run's id.
    public var runID: String
    /// The window compared: orders created or updated in [start, end].
    public var windowStart: Date
    public var windowEnd: Date
    /// The channel's `updated_at` up to which every order was compared (nil: none yet).
    public var progress: Date?
    /// Whether the run finished.
    public var finished: Bool

    /// Creates a run state.
    public init(runID: String, windowStart: Date, windowEnd: Date, progress: Date? = nil, finished: Bool = false) {
        self.runID = runID
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.progress = progress
        self.finished = finished
    }
}
