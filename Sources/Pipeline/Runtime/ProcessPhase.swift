/// Where a process is in its life, as its health endpoints see it — one value instead of loose
/// flags: starting → running → stopping, and failed (a fatal client error) from anywhere; failed is
/// final. Each transition says whether it changed anything, so a repeated or late one (stopping
/// twice, start-up finishing after a fatal error) is a visible no-op.
enum ProcessPhase: Equatable, Sendable {
    case starting
    case running
    /// Shutdown began; `started`: whether start-up had finished.
    case stopping(started: Bool)
    /// A fatal client error: the process is ending; `started`: whether start-up had finished.
    case failed(started: Bool)

    /// What a transition did.
    enum Transition: Equatable {
        case changed
        /// Not valid from the current phase (or already there): nothing changed.
        case ignored
    }

    /// Whether start-up finished at some point.
    var hasStarted: Bool {
        switch self {
        case .starting: false
        case .running: true
        case .stopping(let started), .failed(let started): started
        }
    }

    /// Start-up finished. From stopping it is only noted (the process keeps stopping).
    mutating func markStarted() -> Transition {
        switch self {
        case .starting:
            self = .running
        case .stopping(started: false):
            self = .stopping(started: true)
        case .running, .stopping, .failed:
            return .ignored
        }
        return .changed
    }

    /// Shutdown began.
    mutating func markStopping() -> Transition {
        switch self {
        case .starting, .running:
            self = .stopping(started: hasStarted)
            return .changed
        case .stopping, .failed:
            return .ignored
        }
    }

    /// A fatal error happened; final.
    mutating func markFatal() -> Transition {
        if case .failed = self { return .ignored }
        self = .failed(started: hasStarted)
        return .changed
    }
}
