/// The audit writer's lifecycle, one value instead of loose flags: open → closing (shutdown began:
/// no new records, what is buffered is written) → stopped (the loop ends, even with records left;
/// whoever waits for durability is told the writer is closed). Its transitions return what the
/// writer must do.
enum AuditWriterLifecycle: Equatable {
    case open
    case closing
    case stopped

    /// Whether new records are accepted.
    var accepts: Bool { self == .open }

    /// Whether the background loop must end (also with records left).
    var isStopped: Bool { self == .stopped }

    /// What a shutdown must do.
    enum ShutdownAction: Equatable {
        /// Refuse those waiting for space, write what is buffered, then stop. `first`: this is the
        /// first shutdown (a second one while the first drains joins it).
        case drain(first: Bool)
        /// Already stopped: nothing (a second shutdown is a no-op).
        case none
    }

    /// A shutdown begins.
    mutating func beginShutdown() -> ShutdownAction {
        switch self {
        case .open:
            self = .closing
            return .drain(first: true)
        case .closing:
            return .drain(first: false)
        case .stopped:
            return .none
        }
    }

    /// What stopping must do.
    enum StopAction: Equatable {
        /// Cancel the loop, wake it, fail the durability waiters.
        case stopLoop
        case none
    }

    /// The loop is to end now (drained, or the shutdown timeout passed).
    mutating func stop() -> StopAction {
        guard self != .stopped else { return .none }
        self = .stopped
        return .stopLoop
    }
}
